//! A terminal backend that keeps each frame small for a slow SSH link.
//!
//! ratatui's crossterm backend writes what changed cell by cell: a cursor move (`ESC[y;xH`)
//! before every cell that does not follow the previous one, both colours in full 256-colour
//! form (`ESC[38;5;3m ESC[48;5;0m`) at each colour change, and blanks for every cell a shorter
//! row leaves behind. Replacing the lookup list on a keystroke cost about 4 KB that way. This
//! backend keeps a copy of what the screen shows and draws each changed row the cheapest way
//! it can find (a shortest path over the row's cells, counted in bytes), choosing per stretch:
//! - to write the changed cells, and re-send unchanged ones where that is cheaper than moving
//!   over them or than changing the style twice; a blank may be written in whatever style is
//!   set, when a space in it looks blank;
//! - to move over unchanged cells (`ESC[nC`), or to erase a blank run (`ESC[nX`) or a blank
//!   tail (`ESC[K`) instead of writing spaces;
//! - one SGR sequence per style change in the 16-colour codes: only what changed, with an
//!   attribute's own off code (`22` `23` `24` `27`), or a reset (`ESC[m`) first, whichever is
//!   shorter.
//!
//! Between rows and for the text cursor it takes the shortest of the absolute position
//! (`ESC[y;xH`), a row move (`ESC[nA`/`ESC[nB`/`ESC[yd`, or line feeds after a carriage
//! return) with a column move (`ESC[nC`/`ESC[nD`/`ESC[xG`), knowing where the cursor is from
//! the frame before; a cursor already where it should be, or already shown, costs nothing.
//! The `vt100` replay test in this file proves the screen is exact.

use std::io::{self, Write};

use ratatui::backend::{Backend, ClearType, CrosstermBackend, WindowSize};
use ratatui::buffer::{Buffer, Cell, CellWidth};
use ratatui::layout::{Position, Rect, Size};
use ratatui::style::{Color, Modifier};

/// What a space (or an erased cell) shows besides a blank: in any other style it looks like a
/// blank in the default style.
const VISIBLE_ON_BLANK: Modifier = Modifier::REVERSED
    .union(Modifier::UNDERLINED)
    .union(Modifier::SLOW_BLINK)
    .union(Modifier::RAPID_BLINK)
    .union(Modifier::CROSSED_OUT);

pub struct WideAware<W: Write> {
    inner: CrosstermBackend<W>,
    /// What the terminal shows, as far as this backend has drawn it.
    shown: Buffer,
    /// Where the terminal's cursor is, when known; a column past the last one is the pending
    /// wrap after writing the last column (only a carriage return or an absolute move is
    /// sure to leave it).
    cursor: Option<Position>,
    /// Whether the terminal shows the cursor, when known.
    cursor_shown: Option<bool>,
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
    /// The terminal's state after `ESC[m`.
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

    /// Whether a space written, or a cell erased, in this style looks like a blank in the
    /// default style (a foreground colour or bold shows on no blank).
    fn shows_blank(self) -> bool {
        self.bg == Color::Reset && !self.modifier.intersects(VISIBLE_ON_BLANK)
    }
}

/// Where the terminal's cursor is and what style it writes in, while a frame is written.
#[derive(Clone, Copy)]
struct Head {
    cursor: Option<Position>,
    pen: Pen,
}

impl<W: Write> WideAware<W> {
    /// A backend for the terminal `inner` writes to, blank (as the alternate screen starts).
    pub fn new(inner: CrosstermBackend<W>) -> WideAware<W> {
        let area = inner
            .size()
            .map_or(Rect::ZERO, |s| Rect::new(0, 0, s.width, s.height));
        WideAware::with_area(inner, area)
    }

    /// A backend for a blank screen of `area`, for a writer that is not a terminal (tests and
    /// benchmarks, which cannot ask it its size).
    pub fn with_area(inner: CrosstermBackend<W>, area: Rect) -> WideAware<W> {
        WideAware {
            inner,
            shown: Buffer::empty(area),
            cursor: None,
            cursor_shown: None,
        }
    }

    fn forget_screen(&mut self) -> io::Result<()> {
        let size = self.inner.size()?;
        self.shown = Buffer::empty(Rect::new(0, 0, size.width, size.height));
        self.cursor = None;
        Ok(())
    }

    /// Makes the copy of the screen cover `area` too: cells never drawn are blank, on the
    /// terminal as in the copy (only when the terminal's size could not be read).
    fn cover(&mut self, area: Rect) {
        let shown = self.shown.area;
        if shown.union(area) == shown {
            return;
        }
        let mut bigger = Buffer::empty(shown.union(area));
        for position in shown.positions() {
            bigger[position] = self.shown[position].clone();
        }
        self.shown = bigger;
    }

    /// Records the changed cells in the copy of the screen; returns which cells changed.
    fn apply(&mut self, changed: Vec<(u16, u16, Cell)>) -> Vec<bool> {
        let area = self.shown.area;
        let mut marks = vec![false; area.area() as usize];
        for (x, y, cell) in changed {
            let width = cell.cell_width();
            // A blank for a blank in another style (a dim area's spaces) shows no change.
            if !(is_blank(&self.shown[(x, y)]) && is_blank(&cell)) {
                marks[self.shown.index_of(x, y)] = true;
            }
            self.shown[(x, y)] = cell;
            // The columns a wide character covers hold nothing of their own any more (ratatui
            // does not send them); marked empty, they belong to the character on their left.
            for covered in 1..width {
                if let Some(shown) = self.shown.cell_mut((x.saturating_add(covered), y)) {
                    shown.reset();
                    shown.set_symbol("");
                }
            }
        }
        marks
    }

    /// The cells of row `y` the terminal draws as one each: a character and the columns it
    /// covers. A column marked covered with no wide character on its left shows a blank.
    fn units(&self, y: u16, marks: &[bool]) -> Vec<Unit<'_>> {
        let area = self.shown.area;
        let mut units = Vec::with_capacity(area.width as usize);
        let mut x = area.left();
        while x < area.right() {
            let cell = &self.shown[(x, y)];
            let width = cell.cell_width().clamp(1, area.right() - x);
            let from = self.shown.index_of(x, y);
            let changed = marks[from..from + width as usize].contains(&true);
            units.push(Unit { x, cell, changed });
            x += width;
        }
        units
    }

    /// Writes the changed cells of row `y` the cheapest way (see the module comment), from
    /// where `head` says the cursor and the style are, and leaves `head` where it ends.
    fn encode_row(&self, out: &mut Vec<u8>, y: u16, marks: &[bool], head: &mut Head) {
        let units = self.units(y, marks);
        let right = self.shown.area.right();
        let Some(row) = Row::plan(&units, y, right, head) else {
            return;
        };
        row.write(out, &units, right, head);
    }
}

/// A cell the terminal draws as one: a character and the columns it covers.
struct Unit<'a> {
    x: u16,
    cell: &'a Cell,
    /// Changed by this frame: must be written (or erased, being blank).
    changed: bool,
}

impl Unit<'_> {
    fn text(&self) -> &str {
        match self.cell.symbol() {
            "" => " ",
            symbol => symbol,
        }
    }

    /// Shows nothing: a blank, or a covered column left without its character.
    fn blank(&self) -> bool {
        self.cell.symbol().is_empty() || is_blank(self.cell)
    }
}

/// A cell that shows nothing: a space in a style that shows nothing on a space.
fn is_blank(cell: &Cell) -> bool {
    cell.symbol() == " " && Pen::of(cell).shows_blank()
}

/// One step along a row, from the cursor at one unit to the cursor at a later one.
#[derive(Clone, Copy)]
enum Step {
    /// The unit in its own style.
    Write,
    /// A blank unit as a space in the style already set.
    Space,
    /// Over unchanged units to the next changed one.
    Skip,
    /// Erase the blank run starting here (`ESC[nX`) and move to the next changed unit.
    EraseRun,
}

/// How a row ends, once every change is drawn.
#[derive(Clone, Copy)]
enum End {
    /// Nothing more to write.
    Here,
    /// Erase to the end of the row (`ESC[K`): the rest is a blank tail.
    EraseLine,
    /// Erase the blank run here; nothing changed after it.
    EraseRun,
}

/// The cheapest way to draw one row: a shortest path over states "the cursor at unit `i`,
/// the terminal in style `pens[p]`", every change before `i` drawn.
struct Row {
    pens: Vec<Pen>,
    /// `sgr[a][b]`: the bytes taking the terminal from `pens[a]` to `pens[b]`.
    sgr: Vec<Vec<Vec<u8>>>,
    /// The style index of each unit.
    unit_pen: Vec<usize>,
    /// For each unit index (and one past the last), the first changed unit at or after it.
    next_changed: Vec<usize>,
    /// For each unit index, the end of the blank run starting there.
    blank_end: Vec<usize>,
    first: usize,
    /// The steps taken, from state to state, and how the row ends.
    path: Vec<(usize, Step)>,
    end: (usize, End),
    y: u16,
}

/// A path's cost in bytes.
type Cost = u32;

impl Row {
    fn plan(units: &[Unit<'_>], y: u16, right: u16, head: &Head) -> Option<Row> {
        let n = units.len();
        let mut next_changed = vec![n; n + 1];
        let mut blank_end = vec![n; n + 1];
        for i in (0..n).rev() {
            next_changed[i] = if units[i].changed {
                i
            } else {
                next_changed[i + 1]
            };
            blank_end[i] = if units[i].blank() {
                blank_end[i + 1]
            } else {
                i
            };
        }
        let first = next_changed[0];
        if first == n {
            return None;
        }
        let mut pens = vec![head.pen];
        let mut unit_pen = Vec::with_capacity(n);
        for pen in std::iter::once(Pen::RESET).chain(units.iter().map(|u| Pen::of(u.cell))) {
            if !pens.contains(&pen) {
                pens.push(pen);
            }
        }
        for unit in units {
            let pen = Pen::of(unit.cell);
            unit_pen.push(pens.iter().position(|p| *p == pen).unwrap_or(0));
        }
        let changes: Vec<Vec<Vec<u8>>> = pens
            .iter()
            .map(|from| pens.iter().map(|to| sgr(*from, *to)).collect())
            .collect();
        let mut row = Row {
            pens,
            sgr: changes,
            unit_pen,
            next_changed,
            blank_end,
            first,
            path: Vec::new(),
            end: (0, End::Here),
            y,
        };
        row.search(units, right, head);
        Some(row)
    }

    /// The pen erasing from pen `p` leaves: `p` when an erased cell in it looks blank, else
    /// the default one.
    fn erase_pen(&self, p: usize) -> usize {
        match self.pens[p].shows_blank() {
            true => p,
            false => self.reset(),
        }
    }

    fn reset(&self) -> usize {
        self.pens.iter().position(|p| *p == Pen::RESET).unwrap_or(0)
    }

    /// Columns erased and moved over by `Step::EraseRun` / `End::EraseRun` at unit `i`.
    fn erase_run(&self, units: &[Unit<'_>], i: usize) -> (u16, Option<u16>) {
        let after = self.blank_end[i];
        let next = self.next_changed[after];
        (
            units[after].x - units[i].x,
            units.get(next).map(|u| u.x - units[i].x),
        )
    }

    fn search(&mut self, units: &[Unit<'_>], right: u16, head: &Head) {
        let n = units.len();
        let np = self.pens.len();
        let tail_from = units.iter().rposition(|u| !u.blank()).map_or(0, |i| i + 1);
        let mut cost = vec![Cost::MAX; (n + 1) * np];
        let mut back: Vec<(usize, Step)> = vec![(usize::MAX, Step::Write); (n + 1) * np];
        let start = Position::new(units[self.first].x, self.y);
        cost[self.first * np] = route(head.cursor, start, right).len() as Cost;
        let mut best: Option<(Cost, usize, End)> = None;
        let mut end = |c: Cost, state: usize, how: End| {
            if best.is_none_or(|(b, ..)| c < b) {
                best = Some((c, state, how));
            }
        };
        for i in self.first..=n {
            for p in 0..np {
                let state = i * np + p;
                let c = cost[state];
                if c == Cost::MAX {
                    continue;
                }
                if self.next_changed[i] == n {
                    end(c, state, End::Here);
                    continue;
                }
                let mut relax = |to: usize, extra: usize, step: Step| {
                    let c = c + extra as Cost;
                    if c < cost[to] {
                        cost[to] = c;
                        back[to] = (state, step);
                    }
                };
                let unit = &units[i];
                let q = self.unit_pen[i];
                let write = self.sgr[p][q].len() + unit.text().len();
                relax((i + 1) * np + q, write, Step::Write);
                if unit.blank() && self.pens[p].shows_blank() {
                    relax((i + 1) * np + p, 1, Step::Space);
                }
                if !unit.changed {
                    let next = self.next_changed[i];
                    let moved = csi_len(units[next].x - unit.x);
                    relax(next * np + p, moved, Step::Skip);
                }
                if !unit.blank() {
                    continue;
                }
                let e = self.erase_pen(p);
                let pen_change = self.sgr[p][e].len();
                if i >= tail_from {
                    end(c + (pen_change + 3) as Cost, state, End::EraseLine);
                    continue;
                }
                let (erased, moved) = self.erase_run(units, i);
                let erase = pen_change + csi_len(erased);
                match moved {
                    Some(moved) => {
                        let next = self.next_changed[self.blank_end[i]];
                        relax(next * np + e, erase + csi_len(moved), Step::EraseRun);
                    }
                    None => end(c + erase as Cost, state, End::EraseRun),
                }
            }
        }
        // There is always a way: write every unit from the first change to the end.
        let Some((_, mut state, how)) = best else {
            return;
        };
        self.end = (state, how);
        while back[state].0 != usize::MAX {
            let (from, step) = back[state];
            self.path.push((from, step));
            state = from;
        }
        self.path.reverse();
    }

    fn write(&self, out: &mut Vec<u8>, units: &[Unit<'_>], right: u16, head: &mut Head) {
        let np = self.pens.len();
        let start = Position::new(units[self.first].x, self.y);
        out.extend(route(head.cursor, start, right));
        for &(state, step) in &self.path {
            let (i, p) = (state / np, state % np);
            match step {
                Step::Write => {
                    out.extend(&self.sgr[p][self.unit_pen[i]]);
                    out.extend(units[i].text().as_bytes());
                }
                Step::Space => out.push(b' '),
                Step::Skip => {
                    let next = &units[self.next_changed[i]];
                    csi(out, next.x - units[i].x, b'C');
                }
                Step::EraseRun => {
                    let (erased, moved) = self.erase_run(units, i);
                    out.extend(&self.sgr[p][self.erase_pen(p)]);
                    csi(out, erased, b'X');
                    csi(out, moved.unwrap_or(0), b'C');
                }
            }
        }
        let (state, how) = self.end;
        let (i, p) = (state / np, state % np);
        let at = units.get(i).map_or(right, |u| u.x);
        let pen = match how {
            End::Here => p,
            End::EraseLine => {
                out.extend(&self.sgr[p][self.erase_pen(p)]);
                out.extend(b"\x1b[K");
                self.erase_pen(p)
            }
            End::EraseRun => {
                out.extend(&self.sgr[p][self.erase_pen(p)]);
                csi(out, self.erase_run(units, i).0, b'X');
                self.erase_pen(p)
            }
        };
        head.pen = self.pens[pen];
        head.cursor = Some(Position::new(at, self.y));
    }
}

/// `ESC [ n F`, with `n` left out when it is 1 (every sequence used here defaults to 1);
/// nothing for 0.
fn csi(out: &mut Vec<u8>, n: u16, final_byte: u8) {
    match n {
        0 => {}
        1 => out.extend([0x1b, b'[', final_byte]),
        _ => {
            let _ = write!(out, "\x1b[{n}{}", final_byte as char);
        }
    }
}

/// The length of `csi(n, _)`.
fn csi_len(n: u16) -> usize {
    match n {
        0 => 0,
        1 => 3,
        _ => 3 + n.ilog10() as usize + 1,
    }
}

fn csi_bytes(n: u16, final_byte: u8) -> Vec<u8> {
    let mut out = Vec::with_capacity(csi_len(n));
    csi(&mut out, n, final_byte);
    out
}

/// The shortest way to move the cursor from `from` (unknown: `None`; at `right`: the pending
/// wrap after writing the last column) to `to` (0-based): the absolute position, or a row move
/// with a column move. A line feed only follows a carriage return, so it moves to column 0
/// whether or not the terminal is in newline mode, and never from the last row (`to` is below).
fn route(from: Option<Position>, to: Position, right: u16) -> Vec<u8> {
    let mut best = match (to.x, to.y) {
        (0, 0) => b"\x1b[H".to_vec(),
        (0, _) => format!("\x1b[{}H", to.y + 1).into_bytes(),
        _ => format!("\x1b[{};{}H", to.y + 1, to.x + 1).into_bytes(),
    };
    let Some(at) = from else {
        return best;
    };
    if at == to {
        return Vec::new();
    }
    let mut consider = |parts: &[&[u8]]| {
        if parts.iter().map(|p| p.len()).sum::<usize>() < best.len() {
            best = parts.concat();
        }
    };
    let rows = row_moves(at.y, to.y);
    let from_zero = csi_bytes(to.x, b'C');
    // Line feeds only go down.
    let feeds = (to.y > at.y).then(|| vec![b'\n'; usize::from(to.y - at.y)]);
    for row in rows.iter().chain(feeds.as_ref()) {
        consider(&[b"\r", row.as_slice(), from_zero.as_slice()]);
    }
    if at.x < right {
        for row in &rows {
            for column in column_moves(at.x, to.x) {
                consider(&[row.as_slice(), column.as_slice()]);
            }
        }
    }
    best
}

/// Moves from row `from` to row `to` keeping the column: relative or absolute.
fn row_moves(from: u16, to: u16) -> Vec<Vec<u8>> {
    match to.cmp(&from) {
        std::cmp::Ordering::Equal => vec![Vec::new()],
        std::cmp::Ordering::Less => vec![csi_bytes(from - to, b'A'), csi_bytes(to + 1, b'd')],
        std::cmp::Ordering::Greater => {
            vec![csi_bytes(to - from, b'B'), csi_bytes(to + 1, b'd')]
        }
    }
}

/// Moves from column `from` to column `to` along a row: relative or absolute.
fn column_moves(from: u16, to: u16) -> Vec<Vec<u8>> {
    match to.cmp(&from) {
        std::cmp::Ordering::Equal => vec![Vec::new()],
        std::cmp::Ordering::Less => vec![csi_bytes(from - to, b'D'), csi_bytes(to + 1, b'G')],
        std::cmp::Ordering::Greater => {
            vec![csi_bytes(to - from, b'C'), csi_bytes(to + 1, b'G')]
        }
    }
}

/// One SGR sequence taking the terminal from `from` to `to`, the shorter of: what changed,
/// attributes that go ended by their own codes (`22` bold and faint, `23` italic, `24`
/// underline, `27` reverse); or a reset and what `to` has. Nothing when they are the same.
fn sgr(from: Pen, to: Pen) -> Vec<u8> {
    if from == to {
        return Vec::new();
    }
    if to == Pen::RESET {
        return b"\x1b[m".to_vec();
    }
    let reset = sgr_codes(vec!["0".into()], Pen::RESET, to);
    match ended(from, to) {
        Some((codes, left)) => {
            let own = sgr_codes(codes, left, to);
            if own.len() < reset.len() {
                own
            } else {
                reset
            }
        }
        None => reset,
    }
}

/// The codes ending the attributes `from` has and `to` has not, and the pen they leave; none
/// when one of them has no code of its own that terminals agree on.
fn ended(from: Pen, to: Pen) -> Option<(Vec<String>, Pen)> {
    let gone = from.modifier - to.modifier;
    let own = Modifier::BOLD | Modifier::DIM | Modifier::ITALIC;
    if !(gone - own - Modifier::UNDERLINED - Modifier::REVERSED).is_empty() {
        return None;
    }
    let mut codes = Vec::new();
    let mut left = from;
    // 22 ends both bold and faint; the one that stays is set again.
    for (flags, code) in [
        (Modifier::BOLD | Modifier::DIM, "22"),
        (Modifier::ITALIC, "23"),
        (Modifier::UNDERLINED, "24"),
        (Modifier::REVERSED, "27"),
    ] {
        if gone.intersects(flags) {
            codes.push(code.to_string());
            left.modifier -= flags;
        }
    }
    Some((codes, left))
}

/// `ESC[…m` with `codes` and then what takes `from` to `to` (attributes only added).
fn sgr_codes(mut codes: Vec<String>, from: Pen, to: Pen) -> Vec<u8> {
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
    format!("\x1b[{}m", codes.join(";")).into_bytes()
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
        let Some(reach) = changed
            .iter()
            .map(|(x, y, _)| Rect::new(*x, *y, 1, 1))
            .reduce(Rect::union)
        else {
            return Ok(());
        };
        self.cover(reach);
        let marks = self.apply(changed);
        let area = self.shown.area;
        let width = area.width as usize;
        let mut head = Head {
            cursor: self.cursor,
            pen: Pen::RESET,
        };
        let mut frame = Vec::with_capacity(4096);
        for (row, y) in marks.chunks(width.max(1)).zip(area.top()..area.bottom()) {
            if row.contains(&true) {
                self.encode_row(&mut frame, y, &marks, &mut head);
            }
        }
        // The terminal starts each frame in its default style.
        if head.pen != Pen::RESET {
            frame.extend(b"\x1b[m");
        }
        self.cursor = head.cursor;
        self.inner.write_all(&frame)
    }

    fn append_lines(&mut self, n: u16) -> io::Result<()> {
        self.cursor = None;
        self.inner.append_lines(n)
    }

    fn hide_cursor(&mut self) -> io::Result<()> {
        if self.cursor_shown != Some(false) {
            self.inner.hide_cursor()?;
            self.cursor_shown = Some(false);
        }
        Ok(())
    }

    fn show_cursor(&mut self) -> io::Result<()> {
        if self.cursor_shown != Some(true) {
            self.inner.show_cursor()?;
            self.cursor_shown = Some(true);
        }
        Ok(())
    }

    fn get_cursor_position(&mut self) -> io::Result<Position> {
        self.inner.get_cursor_position()
    }

    fn set_cursor_position<P: Into<Position>>(&mut self, position: P) -> io::Result<()> {
        let position = position.into();
        let to = route(self.cursor, position, self.shown.area.right());
        self.inner.write_all(&to)?;
        self.cursor = Some(position);
        Ok(())
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

/// Bytes written here go to the terminal as they are. They must leave the cursor where it was
/// and the style at the default (the synchronized-update marks and the OSC 52 clipboard
/// sequence the event loop writes do): the next frame moves relative to the cursor.
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

    /// What a backend writes, kept to be read while the backend owns the writer.
    #[derive(Clone, Default)]
    struct Tape(std::rc::Rc<std::cell::RefCell<Vec<u8>>>);

    impl Write for Tape {
        fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
            self.0.borrow_mut().extend_from_slice(buf);
            Ok(buf.len())
        }

        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    fn backend(area: Rect) -> (WideAware<Tape>, Tape) {
        let tape = Tape::default();
        let backend = WideAware::with_area(CrosstermBackend::new(tape.clone()), area);
        (backend, tape)
    }

    /// What the backend wrote since the last call.
    fn written(tape: &Tape) -> Vec<u8> {
        tape.0.take()
    }

    #[test]
    fn a_run_of_chinese_characters_costs_one_cursor_move() {
        let (mut backend, tape) = backend(Rect::new(0, 0, 20, 4));
        let (zhang, wei, ming) = (cell("张"), cell("伟"), cell("明"));
        backend
            .draw([(4, 2, &zhang), (6, 2, &wei), (8, 2, &ming)].into_iter())
            .unwrap();
        let bytes = written(&tape);
        let text = String::from_utf8_lossy(&bytes);
        assert_eq!(moves(&bytes), 1, "{text:?}");
        assert!(text.contains("张伟明"), "{text:?}");
    }

    /// Where frame `i` leaves the cursor (hidden every third frame): all over the screen, so
    /// the next frame's moves start from everywhere.
    fn cursor_after(i: usize, area: Rect) -> Option<Position> {
        (i % 3 != 2)
            .then(|| Position::new((i * 7) as u16 % area.width, (i * 5) as u16 % area.height))
    }

    /// Draws `frames` one after the other on one backend as ratatui would (each the diff from
    /// the one before, then the cursor shown at `cursor_after` or hidden) and returns the
    /// bytes of each.
    fn draw_frames(frames: &[Buffer]) -> Vec<Vec<u8>> {
        let area = frames[0].area;
        let (mut backend, tape) = backend(area);
        let mut out = Vec::new();
        let mut previous = Buffer::empty(area);
        for (i, frame) in frames.iter().enumerate() {
            backend.draw(previous.diff(frame).into_iter()).unwrap();
            match cursor_after(i, area) {
                Some(position) => {
                    backend.show_cursor().unwrap();
                    backend.set_cursor_position(position).unwrap();
                }
                None => backend.hide_cursor().unwrap(),
            }
            out.push(written(&tape));
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
    /// by style, with the cursor where it was put.
    fn assert_terminal_shows(frames: &[Buffer]) {
        let area = frames[0].area;
        let size = |n: u16| std::num::NonZeroU16::new(n).unwrap();
        let mut terminal = vt100::Parser::new(size(area.height), size(area.width), 0);
        for (i, (frame, bytes)) in frames.iter().zip(draw_frames(frames)).enumerate() {
            terminal.process(&bytes);
            let screen = terminal.screen();
            let at = |x: u16, y: u16| {
                format!(
                    "frame {i}, cell ({x}, {y}): {bytes:?}",
                    bytes = String::from_utf8_lossy(&bytes)
                )
            };
            let cursor = cursor_after(i, area);
            assert_eq!(screen.hide_cursor(), cursor.is_none(), "{}", at(0, 0));
            if let Some(p) = cursor {
                assert_eq!(screen.cursor_position(), (p.y, p.x), "{}", at(p.x, p.y));
            }
            for y in 0..area.height {
                for x in 0..area.width {
                    let want = &frame[(x, y)];
                    let got = screen.cell(y, x).unwrap();
                    let at = at(x, y);
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
                    if symbol.is_empty() && Pen::of(want).shows_blank() {
                        // The colour of a blank is not seen, nor its weight; the half left of
                        // a wide character that was overwritten keeps its colours in vt100.
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
    /// several styles (highlights inside rows, blanks in colour), rows getting shorter, blank,
    /// running to the last column, or left as they were; a selected (reversed) row.
    fn lookup_frames(count: usize) -> Vec<Buffer> {
        let area = Rect::new(0, 0, 40, 8);
        let names = [
            "张伟 Zhang Wei",
            "欧阳娜娜",
            "Hans Müller",
            "李娜",
            "김민준",
            "王芳 Wang",
            "      ",
            "Wiśniewska-Kowalczyk, Małgorzata Anna",
            "+86 138****8000",
        ];
        let styles = [
            Style::default(),
            Style::default().fg(Color::Yellow),
            Style::default().fg(Color::DarkGray),
            Style::default()
                .add_modifier(Modifier::BOLD)
                .fg(Color::LightRed),
            Style::default().add_modifier(Modifier::DIM),
            Style::default()
                .add_modifier(Modifier::BOLD | Modifier::ITALIC)
                .fg(Color::Yellow),
            Style::default()
                .add_modifier(Modifier::BOLD)
                .fg(Color::Yellow),
            Style::default()
                .add_modifier(Modifier::BOLD | Modifier::UNDERLINED)
                .fg(Color::Green),
            Style::default().add_modifier(Modifier::REVERSED),
            Style::default()
                .add_modifier(Modifier::REVERSED | Modifier::BOLD | Modifier::UNDERLINED)
                .fg(Color::Green),
            Style::default()
                .bg(Color::Indexed(236))
                .fg(Color::Rgb(200, 100, 0)),
            Style::default().bg(Color::Red).fg(Color::White),
            Style::default().add_modifier(Modifier::UNDERLINED | Modifier::ITALIC),
        ];
        let mut seed: u32 = 7;
        let mut next = |n: usize| {
            seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12345);
            (seed >> 16) as usize % n
        };
        let height = area.height as usize;
        let mut frames: Vec<Buffer> = Vec::new();
        for _ in 0..count {
            let mut buffer = match frames.last() {
                // Some frames change a row or two of the one before.
                Some(last) if next(3) == 0 => {
                    let mut buffer = last.clone();
                    for _ in 0..1 + next(2) {
                        let y = next(height) as u16;
                        fill_row(&mut buffer, y, &mut next, &names, &styles);
                    }
                    buffer
                }
                _ => Buffer::empty(area),
            };
            if buffer == Buffer::empty(area) {
                for y in 0..next(height + 1) as u16 {
                    fill_row(&mut buffer, y, &mut next, &names, &styles);
                }
            }
            frames.push(buffer);
        }
        frames
    }

    fn fill_row(
        buffer: &mut Buffer,
        y: u16,
        next: &mut impl FnMut(usize) -> usize,
        names: &[&str],
        styles: &[Style],
    ) {
        let width = buffer.area.width;
        for x in 0..width {
            buffer[(x, y)].reset();
        }
        let mut x = next(3) as u16;
        for _ in 0..next(5) {
            let text = names[next(names.len())];
            let style = styles[next(styles.len())];
            let end = buffer.set_stringn(x, y, text, (width - x) as usize, style);
            x = end.0 + next(6) as u16;
            if x >= width {
                break;
            }
        }
    }

    #[test]
    fn a_terminal_replaying_the_bytes_shows_every_frame_exactly() {
        let frames = lookup_frames(400);
        assert_terminal_shows(&frames);
        // The replay saw every kind of sequence the backend writes.
        let bytes = draw_frames(&frames).concat();
        let text = String::from_utf8_lossy(&bytes);
        let finals: std::collections::BTreeSet<char> = text
            .split('\u{1b}')
            .filter_map(|seq| seq.strip_prefix('['))
            .filter_map(|seq| seq.chars().find(|c| c.is_ascii_alphabetic()))
            .collect();
        let all: String = finals.into_iter().collect();
        assert_eq!(all, "ABCDGHKXdhlm");
        assert!(
            text.contains("\r\n\n") && text.contains("\x1b[m"),
            "{text:?}"
        );
        let codes: std::collections::BTreeSet<&str> = text
            .split('\u{1b}')
            .filter_map(|seq| seq.strip_prefix('[')?.split('m').next())
            .flat_map(|codes| codes.split(';'))
            .collect();
        for code in ["0", "22", "23", "24", "27"] {
            assert!(codes.contains(code), "SGR {code} never written");
        }
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
        assert!(text.contains("\x1b[K"), "{text:?}");
        assert!(bytes[1].len() < 20, "{text:?}");
        assert_terminal_shows(&frames);
    }

    /// The bytes of `after` drawn over `before` on a screen of one row.
    fn one_row(before: &[(u16, &str, Style)], after: &[(u16, &str, Style)]) -> String {
        let area = Rect::new(0, 0, 40, 1);
        let frame = |spans: &[(u16, &str, Style)]| {
            let mut buffer = Buffer::empty(area);
            for (x, text, style) in spans {
                buffer.set_string(*x, 0, text, *style);
            }
            buffer
        };
        let frames = [frame(before), frame(after)];
        let (mut backend, tape) = backend(area);
        backend
            .draw(Buffer::empty(area).diff(&frames[0]).into_iter())
            .unwrap();
        written(&tape);
        backend
            .draw(frames[0].diff(&frames[1]).into_iter())
            .unwrap();
        assert_terminal_shows(&frames);
        String::from_utf8(written(&tape)).unwrap()
    }

    #[test]
    fn a_style_change_is_one_short_sequence() {
        let yellow = Style::default().fg(Color::Yellow);
        let drawn = one_row(&[], &[(0, "V1", yellow), (3, "张伟", Style::default())]);
        assert_eq!(drawn, "\x1b[H\x1b[33mV1\x1b[m 张伟");
    }

    #[test]
    fn an_attribute_that_goes_is_ended_by_its_own_code_when_shorter() {
        let bold = Style::default()
            .add_modifier(Modifier::BOLD)
            .fg(Color::Yellow);
        let drawn = one_row(
            &[],
            &[
                (0, "V1", bold),
                (2, "x", bold.remove_modifier(Modifier::BOLD)),
            ],
        );
        assert_eq!(drawn, "\x1b[H\x1b[1;33mV1\x1b[22mx\x1b[m");
    }

    #[test]
    fn a_blank_between_two_alerts_is_written_in_their_style() {
        let marker = Style::default().add_modifier(Modifier::BOLD).fg(Color::Red);
        let plain = Style::default();
        let drawn = one_row(
            &[],
            &[
                (0, "DNR", marker),
                (3, " ", plain),
                (4, "Complaint", marker),
            ],
        );
        assert_eq!(drawn, "\x1b[H\x1b[1;31mDNR Complaint\x1b[m");
    }

    #[test]
    fn a_blank_run_inside_a_row_is_erased_not_written() {
        let plain = Style::default();
        let drawn = one_row(
            &[(0, "Hans Müller Schmidt", plain), (20, "张总", plain)],
            &[(0, "李娜", plain), (20, "张总", plain)],
        );
        assert_eq!(drawn, "\r李娜\x1b[16X");
    }

    #[test]
    fn unchanged_cells_are_moved_over_or_re_sent_whichever_is_shorter() {
        let plain = Style::default();
        // Two cells alike between two changes are re-sent; twenty are moved over.
        let drawn = one_row(&[(0, "abcdef", plain)], &[(0, "xbcxef", plain)]);
        assert_eq!(drawn, "\rxbcx");
        let drawn = one_row(
            &[(0, "a twenty letters long b", plain)],
            &[(0, "x twenty letters long y", plain)],
        );
        assert_eq!(drawn, "\rx\x1b[21Cy");
    }

    #[test]
    fn the_cursor_takes_the_shortest_way() {
        let right = 80;
        let way = |from: Option<(u16, u16)>, to: (u16, u16)| {
            let from = from.map(|(x, y)| Position::new(x, y));
            String::from_utf8(route(from, Position::new(to.0, to.1), right)).unwrap()
        };
        assert_eq!(way(None, (4, 2)), "\x1b[3;5H");
        assert_eq!(way(None, (0, 2)), "\x1b[3H");
        assert_eq!(way(Some((5, 20)), (5, 20)), "");
        assert_eq!(way(Some((10, 2)), (10, 3)), "\x1b[B");
        assert_eq!(way(Some((10, 2)), (0, 3)), "\r\n");
        assert_eq!(way(Some((79, 3)), (0, 5)), "\r\n\n");
        assert_eq!(way(Some((30, 5)), (2, 5)), "\x1b[3G");
        assert_eq!(way(Some((5, 20)), (5, 0)), "\x1b[d");
        assert_eq!(way(Some((12, 20)), (11, 0)), "\x1b[d\x1b[D");
        // After the last column only a carriage return or an absolute move is sure.
        assert_eq!(way(Some((80, 3)), (0, 4)), "\r\n");
        assert_eq!(way(Some((80, 3)), (78, 3)), "\r\x1b[78C");
        assert_eq!(way(Some((80, 3)), (40, 20)), "\x1b[21;41H");
    }

    #[test]
    fn a_cursor_already_shown_and_in_place_costs_nothing() {
        let area = Rect::new(0, 0, 20, 2);
        let (mut backend, tape) = backend(area);
        let (a, b) = (cell("a"), cell("b"));
        backend.draw([(0, 0, &a), (1, 0, &b)].into_iter()).unwrap();
        backend.show_cursor().unwrap();
        backend.set_cursor_position(Position::new(2, 0)).unwrap();
        assert_eq!(written(&tape), b"\x1b[Hab\x1b[?25h");
        backend.show_cursor().unwrap();
        backend.set_cursor_position(Position::new(2, 0)).unwrap();
        assert_eq!(written(&tape), b"");
        // The next frame starts from the cursor: the next character costs no move.
        let c = cell("c");
        backend.draw([(2, 0, &c)].into_iter()).unwrap();
        assert_eq!(written(&tape), b"c");
    }

    #[test]
    fn sgr_parameters_are_the_short_forms() {
        let pen = |style: Style| {
            let mut cell = Cell::default();
            cell.set_style(style);
            Pen::of(&cell)
        };
        let text = |from: Style, to: Style| String::from_utf8(sgr(pen(from), pen(to))).unwrap();
        let plain = Style::default();
        let matched = plain
            .add_modifier(Modifier::BOLD | Modifier::UNDERLINED)
            .fg(Color::Green);
        assert_eq!(text(plain, matched), "\x1b[1;4;32m");
        assert_eq!(text(matched, plain), "\x1b[m");
        let selected = plain.add_modifier(Modifier::REVERSED);
        assert_eq!(text(matched, selected), "\x1b[0;7m");
        assert_eq!(
            text(selected, selected.add_modifier(Modifier::BOLD)),
            "\x1b[1m"
        );
        let faint = plain.add_modifier(Modifier::DIM).fg(Color::DarkGray);
        let faint_bold = faint.add_modifier(Modifier::BOLD);
        assert_eq!(text(faint_bold, faint), "\x1b[22;2m");
        assert_eq!(
            text(faint_bold, plain.add_modifier(Modifier::DIM)),
            "\x1b[0;2m"
        );
        assert_eq!(
            text(plain.fg(Color::DarkGray), plain.fg(Color::White)),
            "\x1b[97m"
        );
        assert_eq!(text(plain, plain.bg(Color::Indexed(236))), "\x1b[48;5;236m");
    }
}
