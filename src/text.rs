//! Text measured as a terminal draws it: widths, cutting with `…`, wrapping, and scrolling a
//! line of input, all counted with ratatui's own cell width so what we measure is what it draws.

use ratatui::buffer::CellWidth;
use unicode_segmentation::UnicodeSegmentation;

/// Columns one grapheme takes (ratatui's rule: CJK two, half-width katakana sound marks one).
fn grapheme_width(g: &str) -> usize {
    if g.contains(char::is_control) {
        return 0;
    }
    usize::from(g.cell_width())
}

/// Display width of text in terminal columns.
pub fn width(text: &str) -> usize {
    text.graphemes(true).map(grapheme_width).sum()
}

/// Text cut to `max` columns (ending in `…` when cut) and padded with spaces to exactly `max`.
pub fn fit(text: &str, max: usize) -> String {
    let mut out = cut(text, max);
    let used = width(&out);
    out.extend(std::iter::repeat_n(' ', max.saturating_sub(used)));
    out
}

/// Text cut to at most `max` columns, ending in `…` when anything was left out.
pub fn cut(text: &str, max: usize) -> String {
    if width(text) <= max {
        return text.to_string();
    }
    if max == 0 {
        return String::new();
    }
    let mut out = prefix(text, max - 1);
    out.push('…');
    out
}

/// The start of `text` that fits in `max` columns (a wide character that would stick out is
/// left out whole).
pub fn prefix(text: &str, max: usize) -> String {
    let mut out = String::new();
    let mut used = 0;
    for g in text.graphemes(true) {
        let w = grapheme_width(g);
        if used + w > max {
            break;
        }
        out.push_str(g);
        used += w;
    }
    out
}

/// The end of `text` that fits in `max` columns, after a `…` when the start is left out: a
/// line of input scrolled so the last characters typed (and the cursor after them) show.
pub fn tail(text: &str, max: usize) -> String {
    if width(text) <= max {
        return text.to_string();
    }
    if max == 0 {
        return String::new();
    }
    let mut kept: Vec<&str> = Vec::new();
    let mut used = 0;
    for g in text.graphemes(true).rev() {
        let w = grapheme_width(g);
        if used + w > max - 1 {
            break;
        }
        kept.push(g);
        used += w;
    }
    let mut out = String::from("…");
    out.extend(kept.into_iter().rev());
    out
}

/// Text broken into lines of at most `max` columns, at spaces where possible (CJK text, which
/// has no spaces, breaks between characters).
pub fn wrap(text: &str, max: usize) -> Vec<String> {
    let max = max.max(1);
    let mut lines = Vec::new();
    for paragraph in text.lines() {
        let mut line = String::new();
        let mut used = 0;
        for g in paragraph.graphemes(true) {
            let w = grapheme_width(g);
            if used + w > max {
                let (keep, carry) = if g == " " {
                    (line.as_str(), "")
                } else {
                    split_at_space(&line)
                };
                lines.push(keep.trim_end().to_string());
                line = carry.to_string();
                used = width(&line);
            }
            if !(line.is_empty() && g == " ") {
                line.push_str(g);
                used += w;
            }
        }
        lines.push(line);
    }
    lines
}

/// Splits an overlong line at its last space, if it has one.
fn split_at_space(line: &str) -> (&str, &str) {
    match line.rfind(' ') {
        Some(at) if at > 0 => (&line[..at], line[at..].trim_start()),
        _ => (line, ""),
    }
}

/// Whether a terminal set to draw East Asian ambiguous characters wide would draw `c` in two
/// columns where ratatui counts one.
pub fn is_ambiguous(c: char) -> bool {
    use unicode_width::UnicodeWidthChar;
    c.width() == Some(1) && c.width_cjk() == Some(2)
}

/// A one-column ASCII stand-in for a character that terminals set to draw East Asian ambiguous
/// characters wide draw in two columns; `None` for characters every terminal draws as ratatui
/// counts them.
pub fn ascii_stand_in(c: char) -> Option<char> {
    let mapped = match c {
        '·' | '•' | '‧' => '.',
        '›' | '»' | '→' => '>',
        '‹' | '«' | '←' => '<',
        '↑' => '^',
        '↓' => 'v',
        '…' => '~',
        '“' | '”' | '″' => '"',
        '‘' | '’' | '′' => '\'',
        '×' | '✗' | '✕' => 'x',
        '★' | '☆' | '※' => '*',
        '°' | 'º' => 'o',
        '–' | '—' | '―' | '─' | '━' => '-',
        '│' | '┃' => '|',
        '┌' | '┐' | '└' | '┘' | '├' | '┤' | '┬' | '┴' | '┼' => '+',
        _ if is_ambiguous(c) => deunicode::deunicode_char(c)
            .and_then(|s| s.chars().find(char::is_ascii_graphic))
            .unwrap_or('?'),
        _ => return None,
    };
    Some(mapped)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fit_cuts_cjk_by_columns_and_pads() {
        assert_eq!(fit("张伟", 6), "张伟  ");
        assert_eq!(fit("张伟伟伟", 5), "张伟…");
        assert_eq!(fit("abc", 0), "");
        assert_eq!(width(&fit("欧阳娜娜", 4)), 4);
        assert_eq!(fit("Mr. O'Brien", 10), "Mr. O'Bri…");
    }

    #[test]
    fn halfwidth_katakana_sound_marks_take_a_column_as_ratatui_draws_them() {
        assert_eq!(width("ｻﾄｳ ﾀﾞｲｽｹ"), 10);
        assert_eq!(fit("ｻﾄｳ ﾀﾞｲｽｹ", 10), "ｻﾄｳ ﾀﾞｲｽｹ");
        assert_eq!(fit("ｻﾄｳ ﾀﾞｲｽｹ", 9), "ｻﾄｳ ﾀﾞｲ…");
    }

    #[test]
    fn tail_keeps_the_end_of_long_input() {
        assert_eq!(tail("13800138000", 6), "…38000");
        assert_eq!(tail("张伟伟", 4), "…伟");
        assert_eq!(tail("short", 9), "short");
    }

    #[test]
    fn wrap_breaks_latin_at_spaces_and_cjk_anywhere() {
        assert_eq!(
            wrap("room was not ready on arrival", 12),
            vec!["room was not", "ready on", "arrival"]
        );
        assert_eq!(
            wrap("房间没有打扫干净", 6),
            vec!["房间没", "有打扫", "干净"]
        );
    }

    #[test]
    fn ambiguous_characters_have_ascii_stand_ins() {
        for c in ['°', '·', '›', '…', '“', '”', '✗', '★', '×', '↓'] {
            let stand_in = ascii_stand_in(c);
            assert!(stand_in.is_some_and(|s| s.is_ascii_graphic()), "{c}");
        }
        // Letters terminals draw narrow even when set to wide stay as they are.
        assert_eq!(ascii_stand_in('ü'), None);
        assert_eq!(ascii_stand_in('张'), None);
        assert_eq!(ascii_stand_in('a'), None);
    }
}
