//! A terminal backend that keeps each frame small for a slow SSH link.
//!
//! ratatui's crossterm backend writes what changed cell by cell: a cursor move (`ESC[y;xH`)
//! before every cell that does not follow the previous one, both colours in full 256-colour
//! form (`ESC[38;5;3m ESC[48;5;0m`) at each colour change, and blanks for every cell a shorter
//! row leaves behind. Replacing the lookup list on a keystroke cost about 4 KB that way. This
//! backend writes the same cells with:
//! - the cursor's own column after a wide (CJK) character, so a run of Chinese costs no moves;
//! - short moves (`ESC[nC` along a row) and a few unchanged cells re-sent (kept in a copy of
//!   what the screen shows) where that is cheaper than moving over them;
//! - one SGR sequence per style change with only what changed, in the 16-colour codes;
//! - erase to end of line (`ESC[K`) for the blank tail of a row.

use std::io::{self, Write};

use ratatui::backend::{Backend, ClearType, CrosstermBackend, WindowSize};
use ratatui::buffer::{Buffer, Cell, CellWidth};
use ratatui::layout::{Position, Rect, Size};
use ratatui::style::{Color, Modifier};

/// Unchanged cells worth re-sending rather than moving the cursor over them.
const MAX_GAP: u16 = 3;
/// Blank cells at the end of a row from which `ESC[K` (3 bytes) beats writing them.
const MIN_ERASE: usize = 4;

pub struct WideAware<W: Write> {
    inner: CrosstermBackend<W>,
    /// What the terminal shows, as far as this backend has drawn it.
    shown: Buffer,
}

/// What a frame writes, in order.
enum Op {
    Cell(u16, u16, Cell),
    /// Erase from this cell to the end of its row.
    EraseLine(u16, u16),
}

/// The style the terminal is in between cells.
#[derive(Clone, Copy, PartialEq, Eq)]
struct Pen {
    fg: Color,
    bg: Color,
    underline: Color,
    modifier: Modifier,
}

impl Pen {
    /// The terminal's state after `ESC[0m`.
    const RESET: Pen = Pen {
        fg: Color::Reset,
        bg: Color::Reset,
        underline: Color::Reset,
        modifier: Modifier::empty(),
    };

    fn of(cell: &Cell) -> Pen {
        Pen {
            fg: cell.fg,
            bg: cell.bg,
            underline: cell.underline_color,
            modifier: cell.modifier,
        }
    }
}

impl<W: Write> WideAware<W> {
    pub fn new(inner: CrosstermBackend<W>) -> WideAware<W> {
        // The alternate screen starts blank, as does this copy of it.
        let area = inner
            .size()
            .map_or(Rect::ZERO, |s| Rect::new(0, 0, s.width, s.height));
        WideAware::sized(inner, area)
    }

    fn sized(inner: CrosstermBackend<W>, area: Rect) -> WideAware<W> {
        WideAware {
            inner,
            shown: Buffer::empty(area),
        }
    }

    /// The cells shown between the cursor and the next change on the same row, when there are
    /// few, all one column wide (re-sending half of a wide character would garble it) and in
    /// the style of the cell written before them or of the one after (a style change costs
    /// more than a move, and the one after needs its own anyway).
    fn gap(&self, from: Position, to: Position, pens: [Pen; 2]) -> Option<Vec<Op>> {
        if from.y != to.y || to.x <= from.x || to.x - from.x > MAX_GAP {
            return None;
        }
        (from.x..to.x)
            .map(|x| {
                let cell = self.shown.cell((x, to.y))?;
                (cell.cell_width() == 1 && pens.contains(&Pen::of(cell)))
                    .then(|| Op::Cell(x, to.y, cell.clone()))
            })
            .collect()
    }

    /// The first column of row `y`'s blank tail, as the screen now shows it.
    fn blank_from(&self, y: u16) -> u16 {
        let area = self.shown.area;
        if !(area.top()..area.bottom()).contains(&y) {
            return u16::MAX;
        }
        (area.left()..area.right())
            .rev()
            .find(|&x| self.shown.cell((x, y)).is_some_and(|c| !is_blank(c)))
            .map_or(area.left(), |x| x + 1)
    }

    fn forget_screen(&mut self) -> io::Result<()> {
        let size = self.inner.size()?;
        self.shown = Buffer::empty(Rect::new(0, 0, size.width, size.height));
        Ok(())
    }

    /// The changed cells as operations: blank row tails as one erase, short gaps filled.
    fn plan(&mut self, changed: Vec<(u16, u16, Cell)>) -> Vec<Op> {
        for (x, y, cell) in &changed {
            if let Some(shown) = self.shown.cell_mut((*x, *y)) {
                *shown = cell.clone();
            }
            // The columns a wide character covers hold nothing of their own any more (ratatui
            // does not send them); marked empty, never re-sent as part of a gap.
            for covered in 1..cell.cell_width() {
                if let Some(shown) = self.shown.cell_mut((x.saturating_add(covered), *y)) {
                    shown.reset();
                    shown.set_symbol("");
                }
            }
        }
        let mut ops = Vec::with_capacity(changed.len());
        let mut next: Option<Position> = None;
        let mut tail: Option<(u16, u16)> = None;
        let mut changes = changed.into_iter().peekable();
        while let Some((x, y, cell)) = changes.next() {
            let from = match tail {
                Some((row, from)) if row == y => from,
                _ => self.blank_from(y),
            };
            tail = Some((y, from));
            if x < from {
                self.push_cell(&mut ops, &mut next, x, y, cell);
                continue;
            }
            // This and every later change on the row are blanks of its tail.
            let mut blanks = vec![(x, cell)];
            while let Some((bx, _, blank)) = changes.next_if(|(_, row, _)| *row == y) {
                blanks.push((bx, blank));
            }
            if blanks.len() >= MIN_ERASE {
                ops.push(Op::EraseLine(x, y));
                next = None;
            } else {
                for (bx, blank) in blanks {
                    self.push_cell(&mut ops, &mut next, bx, y, blank);
                }
            }
        }
        ops
    }

    fn push_cell(
        &self,
        ops: &mut Vec<Op>,
        next: &mut Option<Position>,
        x: u16,
        y: u16,
        cell: Cell,
    ) {
        let pen = match ops.last() {
            Some(Op::Cell(_, _, before)) => Pen::of(before),
            _ => Pen::RESET,
        };
        let pens = [pen, Pen::of(&cell)];
        if let Some(gap) = next.and_then(|from| self.gap(from, Position::new(x, y), pens)) {
            ops.extend(gap);
        }
        // ratatui's own measure: a half-width katakana with its sound mark is two columns.
        *next = Some(Position::new(x.saturating_add(cell.cell_width().max(1)), y));
        ops.push(Op::Cell(x, y, cell));
    }
}

/// A cell that shows nothing: a space in the default style.
fn is_blank(cell: &Cell) -> bool {
    cell.symbol() == " " && Pen::of(cell) == Pen::RESET
}

/// Writes `ops` with the fewest escape sequences: the cursor and the style are tracked, the
/// style is reset at the end (the terminal starts each frame in its default style).
fn write_ops(out: &mut impl Write, ops: &[Op]) -> io::Result<()> {
    let mut at: Option<(u16, u16)> = None;
    let mut pen = Pen::RESET;
    for op in ops {
        let (x, y) = match op {
            Op::Cell(x, y, _) | Op::EraseLine(x, y) => (*x, *y),
        };
        if at != Some((x, y)) {
            move_to(out, at, x, y)?;
        }
        match op {
            Op::Cell(_, _, cell) => {
                let want = Pen::of(cell);
                if want != pen {
                    set_pen(out, pen, want)?;
                    pen = want;
                }
                out.write_all(cell.symbol().as_bytes())?;
                at = Some((x.saturating_add(cell.cell_width()), y));
            }
            Op::EraseLine(..) => {
                // The erased cells take the current background: it must be the default one.
                if pen != Pen::RESET {
                    out.write_all(b"\x1b[0m")?;
                    pen = Pen::RESET;
                }
                out.write_all(b"\x1b[K")?;
                at = Some((x, y));
            }
        }
    }
    if pen != Pen::RESET {
        out.write_all(b"\x1b[0m")?;
    }
    Ok(())
}

/// The shortest move from `at` to column `x` of row `y` (0-based).
fn move_to(out: &mut impl Write, at: Option<(u16, u16)>, x: u16, y: u16) -> io::Result<()> {
    match at {
        Some((ax, ay)) if ay == y && x > ax && x - ax == 1 => out.write_all(b"\x1b[C"),
        Some((ax, ay)) if ay == y && x > ax => write!(out, "\x1b[{}C", x - ax),
        // The next row: carriage return and line feed (the terminal is raw: a line feed only
        // moves down), then along it. Never from the last row, where a line feed scrolls.
        Some((_, ay)) if y == ay + 1 => {
            out.write_all(b"\r\n")?;
            match x {
                0 => Ok(()),
                1 => out.write_all(b"\x1b[C"),
                _ => write!(out, "\x1b[{x}C"),
            }
        }
        _ if x == 0 => write!(out, "\x1b[{}H", y + 1),
        _ => write!(out, "\x1b[{};{}H", y + 1, x + 1),
    }
}

/// One SGR sequence taking the terminal from `from` to `to`: only what changed, or a reset
/// first when an attribute has to go (most attributes have no code of their own to end them).
fn set_pen(out: &mut impl Write, from: Pen, to: Pen) -> io::Result<()> {
    let mut codes: Vec<String> = Vec::new();
    let mut from = from;
    if !(from.modifier - to.modifier).is_empty() {
        codes.push("0".into());
        from = Pen::RESET;
    }
    for (flag, code) in [
        (Modifier::BOLD, "1"),
        (Modifier::DIM, "2"),
        (Modifier::ITALIC, "3"),
        (Modifier::UNDERLINED, "4"),
        (Modifier::SLOW_BLINK, "5"),
        (Modifier::RAPID_BLINK, "6"),
        (Modifier::REVERSED, "7"),
        (Modifier::HIDDEN, "8"),
        (Modifier::CROSSED_OUT, "9"),
    ] {
        if to.modifier.contains(flag) && !from.modifier.contains(flag) {
            codes.push(code.into());
        }
    }
    if to.fg != from.fg {
        codes.push(colour(to.fg, Layer::Fg));
    }
    if to.bg != from.bg {
        codes.push(colour(to.bg, Layer::Bg));
    }
    if to.underline != from.underline {
        codes.push(colour(to.underline, Layer::Underline));
    }
    if codes.is_empty() {
        return Ok(());
    }
    write!(out, "\x1b[{}m", codes.join(";"))
}

#[derive(Clone, Copy)]
enum Layer {
    Fg,
    Bg,
    Underline,
}

/// The SGR parameters of a colour: the 16 named ones as `30`–`37` / `90`–`97` (`40`… for the
/// background), others as 256-colour or RGB.
fn colour(colour: Color, layer: Layer) -> String {
    let named = match colour {
        Color::Black => Some(0),
        Color::Red => Some(1),
        Color::Green => Some(2),
        Color::Yellow => Some(3),
        Color::Blue => Some(4),
        Color::Magenta => Some(5),
        Color::Cyan => Some(6),
        Color::Gray => Some(7),
        Color::DarkGray => Some(8),
        Color::LightRed => Some(9),
        Color::LightGreen => Some(10),
        Color::LightYellow => Some(11),
        Color::LightBlue => Some(12),
        Color::LightMagenta => Some(13),
        Color::LightCyan => Some(14),
        Color::White => Some(15),
        Color::Reset | Color::Rgb(..) | Color::Indexed(_) => None,
    };
    let (base, extended, reset) = match layer {
        Layer::Fg => (30, 38, 39),
        Layer::Bg => (40, 48, 49),
        Layer::Underline => (0, 58, 59),
    };
    match (colour, named, layer) {
        (Color::Reset, ..) => reset.to_string(),
        (_, Some(n), Layer::Fg | Layer::Bg) if n < 8 => (base + n).to_string(),
        (_, Some(n), Layer::Fg | Layer::Bg) => (base + 60 + n - 8).to_string(),
        (_, Some(n), Layer::Underline) => format!("{extended};5;{n}"),
        (Color::Indexed(n), ..) => format!("{extended};5;{n}"),
        (Color::Rgb(r, g, b), ..) => format!("{extended};2;{r};{g};{b}"),
        _ => reset.to_string(),
    }
}

impl<W: Write> Backend for WideAware<W> {
    type Error = io::Error;

    fn draw<'a, I>(&mut self, content: I) -> io::Result<()>
    where
        I: Iterator<Item = (u16, u16, &'a Cell)>,
    {
        let changed: Vec<(u16, u16, Cell)> =
            content.map(|(x, y, cell)| (x, y, cell.clone())).collect();
        let ops = self.plan(changed);
        let mut frame = Vec::with_capacity(ops.len() * 4);
        write_ops(&mut frame, &ops)?;
        self.inner.write_all(&frame)
    }

    fn append_lines(&mut self, n: u16) -> io::Result<()> {
        self.inner.append_lines(n)
    }

    fn hide_cursor(&mut self) -> io::Result<()> {
        self.inner.hide_cursor()
    }

    fn show_cursor(&mut self) -> io::Result<()> {
        self.inner.show_cursor()
    }

    fn get_cursor_position(&mut self) -> io::Result<Position> {
        self.inner.get_cursor_position()
    }

    fn set_cursor_position<P: Into<Position>>(&mut self, position: P) -> io::Result<()> {
        self.inner.set_cursor_position(position)
    }

    fn clear(&mut self) -> io::Result<()> {
        self.inner.clear()?;
        self.forget_screen()
    }

    fn clear_region(&mut self, clear_type: ClearType) -> io::Result<()> {
        self.inner.clear_region(clear_type)?;
        self.forget_screen()
    }

    fn size(&self) -> io::Result<Size> {
        self.inner.size()
    }

    fn window_size(&mut self) -> io::Result<WindowSize> {
        self.inner.window_size()
    }

    fn flush(&mut self) -> io::Result<()> {
        Backend::flush(&mut self.inner)
    }
}

impl<W: Write> Write for WideAware<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.inner.write(buf)
    }

    fn flush(&mut self) -> io::Result<()> {
        Write::flush(&mut self.inner)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ratatui::style::Style;

    fn cell(symbol: &str) -> Cell {
        let mut cell = Cell::default();
        cell.set_symbol(symbol);
        cell
    }

    fn moves(bytes: &[u8]) -> usize {
        String::from_utf8_lossy(bytes)
            .split('\u{1b}')
            .filter(|seq| seq.starts_with('[') && (seq.contains('H') || seq.contains('C')))
            .count()
    }

    #[test]
    fn a_run_of_chinese_characters_costs_one_cursor_move() {
        let mut written = Vec::new();
        let mut backend = WideAware::new(CrosstermBackend::new(&mut written));
        let (zhang, wei, ming) = (cell("张"), cell("伟"), cell("明"));
        backend
            .draw([(4, 2, &zhang), (6, 2, &wei), (8, 2, &ming)].into_iter())
            .unwrap();
        drop(backend);
        let text = String::from_utf8_lossy(&written);
        assert_eq!(moves(&written), 1, "{text:?}");
        assert!(text.contains("张伟明"), "{text:?}");
    }

    /// Draws `frames` one after the other as ratatui would (each the diff from the one
    /// before) and returns the bytes of each.
    fn draw_frames(frames: &[Buffer]) -> Vec<Vec<u8>> {
        let area = frames[0].area;
        let mut out = Vec::new();
        let mut previous = Buffer::empty(area);
        for frame in frames {
            let mut written = Vec::new();
            let mut backend = WideAware::sized(CrosstermBackend::new(&mut written), area);
            backend.shown = previous.clone();
            backend.draw(previous.diff(frame).into_iter()).unwrap();
            drop(backend);
            out.push(written);
            previous = frame.clone();
        }
        out
    }

    fn vt_colour(colour: Color) -> vt100::Color {
        match colour {
            Color::Reset => vt100::Color::Default,
            Color::Indexed(n) => vt100::Color::Idx(n),
            Color::Rgb(r, g, b) => vt100::Color::Rgb(r, g, b),
            named => {
                let all = [
                    Color::Black,
                    Color::Red,
                    Color::Green,
                    Color::Yellow,
                    Color::Blue,
                    Color::Magenta,
                    Color::Cyan,
                    Color::Gray,
                    Color::DarkGray,
                    Color::LightRed,
                    Color::LightGreen,
                    Color::LightYellow,
                    Color::LightBlue,
                    Color::LightMagenta,
                    Color::LightCyan,
                    Color::White,
                ];
                vt100::Color::Idx(all.iter().position(|c| *c == named).unwrap() as u8)
            }
        }
    }

    /// A terminal emulator fed every byte shows exactly each frame, cell by cell and style
    /// by style.
    fn assert_terminal_shows(frames: &[Buffer]) {
        let area = frames[0].area;
        let size = |n: u16| std::num::NonZeroU16::new(n).unwrap();
        let mut terminal = vt100::Parser::new(size(area.height), size(area.width), 0);
        for (i, (frame, bytes)) in frames.iter().zip(draw_frames(frames)).enumerate() {
            terminal.process(&bytes);
            let screen = terminal.screen();
            for y in 0..area.height {
                for x in 0..area.width {
                    let want = &frame[(x, y)];
                    let got = screen.cell(y, x).unwrap();
                    let at = format!(
                        "frame {i}, cell ({x}, {y}): {bytes:?}",
                        bytes = String::from_utf8_lossy(&bytes)
                    );
                    if got.is_wide_continuation() {
                        continue;
                    }
                    let symbol = if want.symbol() == " " {
                        ""
                    } else {
                        want.symbol()
                    };
                    // A space written and a cell never written read alike.
                    assert_eq!(got.contents().trim_matches(' '), symbol, "{at}");
                    if symbol.is_empty() && want.bg == Color::Reset {
                        // The colour of a blank is not seen; the half left of a wide
                        // character that was overwritten keeps its colours in vt100.
                        continue;
                    }
                    assert_eq!(got.fgcolor(), vt_colour(want.fg), "{at}");
                    assert_eq!(got.bgcolor(), vt_colour(want.bg), "{at}");
                    assert_eq!(got.bold(), want.modifier.contains(Modifier::BOLD), "{at}");
                    assert_eq!(got.dim(), want.modifier.contains(Modifier::DIM), "{at}");
                    assert_eq!(
                        got.italic(),
                        want.modifier.contains(Modifier::ITALIC),
                        "{at}"
                    );
                    assert_eq!(
                        got.inverse(),
                        want.modifier.contains(Modifier::REVERSED),
                        "{at}"
                    );
                    let underlined = want.modifier.contains(Modifier::UNDERLINED);
                    assert_eq!(got.underline(), underlined, "{at}");
                }
            }
        }
    }

    /// Frames of a lookup list as typing narrows it: rows of Chinese and Latin names in
    /// several styles, rows getting shorter and blank, a selected (reversed) row.
    fn lookup_frames(count: usize) -> Vec<Buffer> {
        let area = Rect::new(0, 0, 40, 8);
        let names = [
            "张伟 Zhang Wei",
            "欧阳娜娜",
            "Hans Müller",
            "李娜",
            "김민준",
            "王芳 Wang",
        ];
        let styles = [
            Style::default(),
            Style::default().fg(Color::Yellow),
            Style::default().fg(Color::DarkGray),
            Style::default()
                .add_modifier(Modifier::BOLD)
                .fg(Color::LightRed),
            Style::default().add_modifier(Modifier::DIM),
            Style::default().add_modifier(Modifier::REVERSED),
            Style::default()
                .bg(Color::Indexed(236))
                .fg(Color::Rgb(200, 100, 0)),
            Style::default().add_modifier(Modifier::UNDERLINED | Modifier::ITALIC),
        ];
        let mut seed: u32 = 7;
        let mut next = |n: usize| {
            seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12345);
            (seed >> 16) as usize % n
        };
        (0..count)
            .map(|_| {
                let mut buffer = Buffer::empty(area);
                let rows = next(8);
                for y in 0..rows as u16 {
                    let mut x = next(3) as u16;
                    for _ in 0..next(4) {
                        let text = names[next(names.len())];
                        let style = styles[next(styles.len())];
                        let end = buffer.set_stringn(x, y, text, (40 - x) as usize, style);
                        x = end.0 + 1 + next(5) as u16;
                        if x >= 40 {
                            break;
                        }
                    }
                }
                buffer
            })
            .collect()
    }

    #[test]
    fn a_terminal_replaying_the_bytes_shows_every_frame_exactly() {
        assert_terminal_shows(&lookup_frames(200));
    }

    #[test]
    fn what_a_wide_character_covered_is_never_sent_again() {
        let area = Rect::new(0, 0, 12, 1);
        let frame = |text: &str| {
            let mut buffer = Buffer::empty(area);
            buffer.set_string(0, 0, text, Style::default());
            buffer
        };
        // "abcdef", then 张 over "ab" and 伟 over "ef", then narrow text again with a gap.
        assert_terminal_shows(&[frame("abcdef x"), frame("张cd伟 x"), frame("q d   y")]);
    }

    #[test]
    fn a_row_that_gets_shorter_is_cut_with_one_erase() {
        let area = Rect::new(0, 0, 40, 2);
        let mut long = Buffer::empty(area);
        long.set_string(0, 0, "张伟 Zhang Wei +86 138****8000 V1", Style::default());
        let mut short = Buffer::empty(area);
        short.set_string(0, 0, "李娜", Style::default());
        let frames = [long, short];
        let bytes = draw_frames(&frames);
        let text = String::from_utf8_lossy(&bytes[1]);
        assert!(text.ends_with("\x1b[K"), "{text:?}");
        assert!(bytes[1].len() < 20, "{text:?}");
        assert_terminal_shows(&frames);
    }

    #[test]
    fn a_style_change_is_one_short_sequence() {
        let area = Rect::new(0, 0, 20, 1);
        let mut buffer = Buffer::empty(area);
        buffer.set_string(0, 0, "V1", Style::default().fg(Color::Yellow));
        buffer.set_string(3, 0, "张伟", Style::default());
        let bytes = draw_frames(&[buffer]);
        let text = String::from_utf8_lossy(&bytes[0]);
        assert_eq!(text, "\x1b[1H\x1b[33mV1\x1b[39m 张伟", "{text:?}");
    }
}
