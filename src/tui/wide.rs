//! A terminal backend that keeps each frame small for a slow SSH link.
//!
//! ratatui's crossterm backend moves the cursor (`ESC[y;xH`, ~7 bytes) before every changed cell
//! that does not sit one column after the previous one. Two cases cost most of a lookup frame:
//! - after a wide (CJK) character the next cell is two columns on, so every Chinese character
//!   paid for a move: an empty continuation cell is handed over after it, which prints nothing;
//! - a few unchanged cells between two changes on a row: re-sending them (kept in a copy of
//!   what the screen shows) is cheaper than moving over them.

use std::io::{self, Write};

use ratatui::backend::{Backend, ClearType, CrosstermBackend, WindowSize};
use ratatui::buffer::{Buffer, Cell, CellWidth};
use ratatui::layout::{Position, Rect, Size};

/// Unchanged cells worth re-sending rather than moving the cursor over them.
const MAX_GAP: u16 = 4;

pub struct WideAware<W: Write> {
    inner: CrosstermBackend<W>,
    /// What the terminal shows, as far as this backend has drawn it.
    shown: Buffer,
}

impl<W: Write> WideAware<W> {
    pub fn new(inner: CrosstermBackend<W>) -> WideAware<W> {
        // The alternate screen starts blank, as does this copy of it.
        let area = inner
            .size()
            .map_or(Rect::ZERO, |s| Rect::new(0, 0, s.width, s.height));
        WideAware {
            inner,
            shown: Buffer::empty(area),
        }
    }

    /// The cells shown between the cursor and the next change on the same row, when there are
    /// few and all are one column wide (re-sending half of a wide character would garble it).
    fn gap(&self, from: Position, to: Position) -> Option<Vec<(u16, u16, Cell)>> {
        if from.y != to.y || to.x <= from.x || to.x - from.x > MAX_GAP {
            return None;
        }
        (from.x..to.x)
            .map(|x| {
                let cell = self.shown.cell((x, to.y))?;
                (cell.cell_width() == 1).then(|| (x, to.y, cell.clone()))
            })
            .collect()
    }

    fn forget_screen(&mut self) -> io::Result<()> {
        let size = self.inner.size()?;
        self.shown = Buffer::empty(Rect::new(0, 0, size.width, size.height));
        Ok(())
    }
}

impl<W: Write> Backend for WideAware<W> {
    type Error = io::Error;

    fn draw<'a, I>(&mut self, content: I) -> io::Result<()>
    where
        I: Iterator<Item = (u16, u16, &'a Cell)>,
    {
        let mut cells: Vec<(u16, u16, Cell)> = Vec::new();
        let mut next: Option<Position> = None;
        for (x, y, cell) in content {
            if let Some(gap) = next.and_then(|from| self.gap(from, Position::new(x, y))) {
                cells.extend(gap);
            }
            cells.push((x, y, cell.clone()));
            // ratatui's own measure: a half-width katakana with its sound mark is two columns.
            let wide = cell.cell_width() == 2;
            if wide {
                let mut continuation = cell.clone();
                continuation.set_symbol("");
                cells.push((x.saturating_add(1), y, continuation));
            }
            next = Some(Position::new(x.saturating_add(1 + u16::from(wide)), y));
        }
        for (x, y, cell) in &cells {
            if let Some(shown) = self.shown.cell_mut((*x, *y)) {
                *shown = cell.clone();
            }
        }
        self.inner
            .draw(cells.iter().map(|(x, y, cell)| (*x, *y, cell)))
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

    fn cell(symbol: &str) -> Cell {
        let mut cell = Cell::default();
        cell.set_symbol(symbol);
        cell
    }

    fn moves(bytes: &[u8]) -> usize {
        String::from_utf8_lossy(bytes)
            .split('\u{1b}')
            .filter(|seq| seq.starts_with('[') && seq.split(';').count() == 2 && seq.contains('H'))
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
}
