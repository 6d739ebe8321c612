//! Reading files as hotels save them: the encoding (a BOM, else a guess among the legacy
//! encodings Excel and PMSs write, else `--encoding`), physical lines counted the same for LF
//! and CRLF, and CSV records whose quoted fields span lines only when the file closes them.

use std::collections::VecDeque;
use std::io::{self, BufRead};

use encoding_rs::{Decoder, DecoderResult, Encoding};

/// The longest text a quoted field may run across lines before it counts as left open. Far
/// beyond any field's limit, so a note that is too long is still read whole and refused as
/// too long rather than split into invented rows.
const QUOTED_MAX_BYTES: usize = 16 << 20;

/// How much of the file the encoding is guessed from.
const SAMPLE_BYTES: usize = 1 << 16;

/// The encodings guessed when a file has no BOM and is not UTF-8, most likely first.
const GUESSED: [&Encoding; 4] = [
    encoding_rs::GB18030,
    encoding_rs::BIG5,
    encoding_rs::SHIFT_JIS,
    encoding_rs::WINDOWS_1252,
];

/// An encoding by the name a person gives (`gbk`, `utf-16le`, `cp1252`, `latin1`, `sjis`).
pub fn encoding_by_name(name: &str) -> Option<&'static Encoding> {
    let lower = name.trim().to_ascii_lowercase();
    let label = match lower.as_str() {
        "cp1252" | "latin1" | "latin-1" => "windows-1252",
        "sjis" | "cp932" => "shift_jis",
        "cp936" => "gbk",
        "cp950" => "big5",
        "utf8" => "utf-8",
        "utf16le" => "utf-16le",
        "utf16be" => "utf-16be",
        other => other,
    };
    Encoding::for_label(label.as_bytes())
}

/// The name the summary gives an encoding (GBK is read as its superset GB18030).
pub fn encoding_name(encoding: &'static Encoding) -> &'static str {
    if encoding == encoding_rs::GBK || encoding == encoding_rs::GB18030 {
        "GB18030"
    } else {
        encoding.name()
    }
}

/// One physical line, decoded, without its line end.
#[derive(Debug, Clone, Default)]
pub struct Line {
    pub text: String,
    /// What ended it: `"\n"`, `"\r\n"`, or `""` at the end of the file.
    pub end: &'static str,
    /// The byte offset in the file of text that did not decode, if any.
    pub undecodable: Option<u64>,
}

/// A file's lines in its encoding, numbered from 1.
pub struct Lines<R: BufRead> {
    input: R,
    encoding: &'static Encoding,
    /// `None` for UTF-8, which is checked line by line instead of decoded.
    decoder: Option<Decoder>,
    /// Decoded text not yet handed out, from `start`.
    pending: String,
    start: usize,
    /// Byte offsets in `pending` of undecodable input and where that input was in the file.
    bad: VecDeque<(usize, u64)>,
    /// Bytes of the file consumed so far.
    offset: u64,
    raw: Vec<u8>,
    input_done: bool,
    /// Whether the file starts with a byte order mark.
    bom: bool,
    pub line: u64,
}

impl<R: BufRead> Lines<R> {
    /// Reads the BOM or guesses the encoding from the start of the file; `forced` overrides
    /// the guess (a BOM still wins: it cannot be wrong).
    pub fn new(mut input: R, forced: Option<&'static Encoding>) -> io::Result<Lines<R>> {
        let sample = fill_sample(&mut input)?;
        let (encoding, bom) = match Encoding::for_bom(&sample) {
            Some((encoding, bom)) => (encoding, bom),
            None => (forced.unwrap_or_else(|| guess(&sample)), 0),
        };
        input.consume(bom);
        let decoder =
            (encoding != encoding_rs::UTF_8).then(|| encoding.new_decoder_without_bom_handling());
        Ok(Lines {
            input,
            encoding,
            decoder,
            pending: String::new(),
            start: 0,
            bad: VecDeque::new(),
            offset: bom as u64,
            raw: Vec::new(),
            input_done: false,
            bom: bom > 0,
            line: 0,
        })
    }

    pub fn encoding(&self) -> &'static Encoding {
        self.encoding
    }

    pub fn has_bom(&self) -> bool {
        self.bom
    }

    /// The next line, or `None` at the end of the file.
    pub fn next_line(&mut self) -> io::Result<Option<Line>> {
        let line = match self.decoder {
            None => self.next_utf8()?,
            Some(_) => self.next_decoded()?,
        };
        if line.is_some() {
            self.line += 1;
        }
        Ok(line)
    }

    fn next_utf8(&mut self) -> io::Result<Option<Line>> {
        self.raw.clear();
        let n = self.input.read_until(b'\n', &mut self.raw)?;
        if n == 0 {
            return Ok(None);
        }
        let at = self.offset;
        self.offset += n as u64;
        let (body, end) = split_end(&self.raw);
        Ok(Some(match std::str::from_utf8(body) {
            Ok(text) => Line {
                text: text.to_string(),
                end,
                undecodable: None,
            },
            Err(e) => Line {
                text: String::from_utf8_lossy(body).into_owned(),
                end,
                undecodable: Some(at + e.valid_up_to() as u64),
            },
        }))
    }

    fn next_decoded(&mut self) -> io::Result<Option<Line>> {
        loop {
            if let Some(nl) = self.pending[self.start..].find('\n') {
                return Ok(Some(self.take(self.start + nl + 1)));
            }
            if self.input_done {
                return Ok((self.start < self.pending.len()).then(|| self.take(self.pending.len())));
            }
            self.decode_more()?;
        }
    }

    /// Hands out `pending[start..end]` as a line.
    fn take(&mut self, end: usize) -> Line {
        let (body, line_end) = split_end(&self.pending.as_bytes()[self.start..end]);
        let body_len = body.len();
        let text = self.pending[self.start..self.start + body_len].to_string();
        let mut undecodable = None;
        while let Some(&(at, offset)) = self.bad.front() {
            if at >= end {
                break;
            }
            undecodable.get_or_insert(offset);
            self.bad.pop_front();
        }
        self.start = end;
        if self.start > SAMPLE_BYTES {
            self.pending.drain(..self.start);
            for bad in &mut self.bad {
                bad.0 -= self.start;
            }
            self.start = 0;
        }
        Line {
            text,
            end: line_end,
            undecodable,
        }
    }

    fn decode_more(&mut self) -> io::Result<()> {
        let Some(decoder) = self.decoder.as_mut() else {
            return Ok(());
        };
        let chunk = self.input.fill_buf()?;
        let last = chunk.is_empty();
        let mut read = 0;
        loop {
            let needed = decoder
                .max_utf8_buffer_length_without_replacement(chunk.len() - read)
                .unwrap_or(chunk.len() * 3 + 16);
            self.pending.reserve(needed);
            let (result, n) = decoder.decode_to_string_without_replacement(
                &chunk[read..],
                &mut self.pending,
                last,
            );
            read += n;
            match result {
                DecoderResult::InputEmpty => break,
                DecoderResult::OutputFull => continue,
                DecoderResult::Malformed(bad, after) => {
                    let at = self.offset + read as u64 - u64::from(bad) - u64::from(after);
                    self.bad.push_back((self.pending.len(), at));
                    self.pending.push('\u{fffd}');
                }
            }
        }
        self.offset += read as u64;
        self.input.consume(read);
        self.input_done = last;
        Ok(())
    }
}

fn split_end(line: &[u8]) -> (&[u8], &'static str) {
    match line {
        [body @ .., b'\r', b'\n'] => (body, "\r\n"),
        [body @ .., b'\n'] => (body, "\n"),
        body => (body, ""),
    }
}

/// Up to `SAMPLE_BYTES` of the file's start, left in the reader's buffer.
fn fill_sample<R: BufRead>(input: &mut R) -> io::Result<Vec<u8>> {
    // A BufReader hands out one read at a time; the sample is copied so a short first read
    // still sees the BOM.
    let buf = input.fill_buf()?;
    Ok(buf[..buf.len().min(SAMPLE_BYTES)].to_vec())
}

/// UTF-8 when the sample is (allowing a character cut at its end), else the likeliest of the
/// legacy encodings.
fn guess(sample: &[u8]) -> &'static Encoding {
    match std::str::from_utf8(sample) {
        Ok(_) => return encoding_rs::UTF_8,
        Err(e) if e.error_len().is_none() => return encoding_rs::UTF_8,
        Err(_) => {}
    }
    let mut detector = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
    detector.feed(sample, sample.len() < SAMPLE_BYTES);
    let guessed = detector.guess(None, chardetng::Utf8Detection::Deny);
    let guessed = if guessed == encoding_rs::GBK {
        encoding_rs::GB18030
    } else {
        guessed
    };
    if GUESSED.contains(&guessed) {
        return guessed;
    }
    GUESSED
        .into_iter()
        .find(|e| {
            e.decode_without_bom_handling_and_without_replacement(sample)
                .is_some()
        })
        .unwrap_or(encoding_rs::WINDOWS_1252)
}

/// Text written back in a file's own encoding, BOM and all, so a file the program hands
/// back (the rejects) opens in the spreadsheet that made the original as the original did.
pub struct Encoded<W: io::Write> {
    out: W,
    encoding: &'static Encoding,
}

impl<W: io::Write> Encoded<W> {
    pub fn new(mut out: W, encoding: &'static Encoding, bom: bool) -> io::Result<Encoded<W>> {
        if bom {
            let mark: &[u8] = if encoding == encoding_rs::UTF_16LE {
                b"\xff\xfe"
            } else if encoding == encoding_rs::UTF_16BE {
                b"\xfe\xff"
            } else {
                b"\xef\xbb\xbf"
            };
            out.write_all(mark)?;
        }
        Ok(Encoded { out, encoding })
    }

    /// Writes `text`; a character the encoding cannot hold (only U+FFFD, which stood for bytes
    /// that did not decode) becomes an HTML numeric reference, as encoding_rs writes it.
    pub fn write(&mut self, text: &str) -> io::Result<()> {
        let units = |be: bool| -> Vec<u8> {
            text.encode_utf16()
                .flat_map(|u| if be { u.to_be_bytes() } else { u.to_le_bytes() })
                .collect()
        };
        if self.encoding == encoding_rs::UTF_16LE {
            self.out.write_all(&units(false))
        } else if self.encoding == encoding_rs::UTF_16BE {
            self.out.write_all(&units(true))
        } else {
            let (bytes, _, _) = self.encoding.encode(text);
            self.out.write_all(&bytes)
        }
    }

    pub fn into_inner(self) -> W {
        self.out
    }
}

// ---------------------------------------------------------------- CSV records

/// Why a CSV record could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RecordFault {
    /// A quoted field that the file never closes (or closes with text after the quote); the
    /// index of the field it opened in.
    UnclosedQuote(usize),
    /// Bytes at this offset are not text in the file's encoding.
    Undecodable(u64),
}

/// One CSV record: the line it starts on and its fields, or why it could not be read.
#[derive(Debug, Clone)]
pub struct Record {
    pub line: u64,
    pub fields: Vec<String>,
    pub fault: Option<RecordFault>,
    /// The record's lines as read (kept only when asked, for the rejects file).
    pub raw: String,
}

impl Record {
    /// A record with nothing in any cell (Excel writes `,,,` for a blank row).
    pub fn is_blank(&self) -> bool {
        self.fault.is_none() && self.fields.iter().all(|f| f.trim().is_empty())
    }
}

/// The separator a header line uses: whichever of comma, semicolon and tab it has most of
/// outside quotes (a comma on a tie).
pub fn detect_delimiter(header: &str) -> u8 {
    let mut counts = [0usize; 3];
    let mut quoted = false;
    for b in header.bytes() {
        match b {
            b'"' => quoted = !quoted,
            b',' if !quoted => counts[0] += 1,
            b';' if !quoted => counts[1] += 1,
            b'\t' if !quoted => counts[2] += 1,
            _ => {}
        }
    }
    let best = (0..3).max_by_key(|&i| (counts[i], 3 - i)).unwrap_or(0);
    [b',', b';', b'\t'][best]
}

/// CSV records over a file's lines. A quoted field may span lines only when its closing quote
/// is followed by the separator or the line end; otherwise the record is refused at the line
/// where the quote opened and reading goes on with the next line, so no row is swallowed.
pub struct Records<R: BufRead> {
    lines: Lines<R>,
    /// Lines read ahead while looking for a closing quote, given back when there was none.
    ahead: VecDeque<(u64, Line)>,
    delimiter: u8,
    keep_raw: bool,
}

impl<R: BufRead> Records<R> {
    pub fn new(lines: Lines<R>, delimiter: u8, keep_raw: bool) -> Records<R> {
        Records {
            lines,
            ahead: VecDeque::new(),
            delimiter,
            keep_raw,
        }
    }

    pub fn encoding(&self) -> &'static Encoding {
        self.lines.encoding()
    }

    pub fn has_bom(&self) -> bool {
        self.lines.has_bom()
    }

    pub fn set_delimiter(&mut self, delimiter: u8) {
        self.delimiter = delimiter;
    }

    /// The next line, numbered, from what was read ahead or from the file.
    pub fn line(&mut self) -> io::Result<Option<(u64, Line)>> {
        if let Some(line) = self.ahead.pop_front() {
            return Ok(Some(line));
        }
        Ok(self.lines.next_line()?.map(|l| (self.lines.line, l)))
    }

    /// Puts a line back to be read again first.
    pub fn unread(&mut self, number: u64, line: Line) {
        self.ahead.push_front((number, line));
    }

    /// The next record, or `None` at the end of the file.
    pub fn next_record(&mut self) -> io::Result<Option<Record>> {
        let Some((number, first)) = self.line()? else {
            return Ok(None);
        };
        let mut record = Record {
            line: number,
            fields: Vec::new(),
            fault: None,
            raw: String::new(),
        };
        if let Some(at) = first.undecodable {
            record.fault = Some(RecordFault::Undecodable(at));
            if self.keep_raw {
                record.raw = format!("{}{}", first.text, first.end);
            }
            return Ok(Some(record));
        }
        let mut taken: Vec<(u64, Line)> = Vec::new();
        match self.parse(&first, &mut taken, &mut record.fields)? {
            Ok(()) => {
                if let Some(at) = taken.iter().find_map(|(_, l)| l.undecodable) {
                    record.fault = Some(RecordFault::Undecodable(at));
                }
                if self.keep_raw {
                    record.raw = std::iter::once(&first)
                        .chain(taken.iter().map(|(_, l)| l))
                        .map(|l| format!("{}{}", l.text, l.end))
                        .collect();
                }
            }
            Err(fault) => {
                for (n, line) in taken.into_iter().rev() {
                    self.unread(n, line);
                }
                record.fields.clear();
                record.fault = Some(fault);
                if self.keep_raw {
                    record.raw = format!("{}{}", first.text, first.end);
                }
            }
        }
        Ok(Some(record))
    }

    /// Splits a record starting with `first` into `fields`, reading further lines into
    /// `taken` while a quoted field is open.
    fn parse(
        &mut self,
        first: &Line,
        taken: &mut Vec<(u64, Line)>,
        fields: &mut Vec<String>,
    ) -> io::Result<Result<(), RecordFault>> {
        let d = self.delimiter;
        // The line being split: 0 is `first`, n is `taken[n - 1]`.
        let mut current = 0;
        let mut pos = 0;
        loop {
            let text = line_at(first, taken, current);
            let bytes = text.as_bytes();
            if bytes.get(pos) != Some(&b'"') {
                let stop = bytes[pos..]
                    .iter()
                    .position(|&b| b == d)
                    .map_or(bytes.len(), |i| pos + i);
                fields.push(text[pos..stop].to_string());
                if stop == bytes.len() {
                    return Ok(Ok(()));
                }
                pos = stop + 1;
                continue;
            }
            // A quoted field: up to a quote followed by the separator or the line end.
            let mut field = String::new();
            pos += 1;
            let mut spanned = 0usize;
            loop {
                let line = if current == 0 {
                    first
                } else {
                    &taken[current - 1].1
                };
                let (text, end) = (&line.text, line.end);
                let bytes = text.as_bytes();
                match bytes[pos..].iter().position(|&b| b == b'"') {
                    Some(i) => {
                        field.push_str(&text[pos..pos + i]);
                        let q = pos + i;
                        match bytes.get(q + 1) {
                            Some(b'"') => {
                                field.push('"');
                                pos = q + 2;
                            }
                            Some(&b) if b == d => {
                                fields.push(field);
                                pos = q + 2;
                                break;
                            }
                            None => {
                                fields.push(field);
                                return Ok(Ok(()));
                            }
                            Some(_) => return Ok(Err(RecordFault::UnclosedQuote(fields.len()))),
                        }
                    }
                    None => {
                        field.push_str(&text[pos..]);
                        spanned += text.len() - pos + end.len();
                        if end.is_empty() || spanned > QUOTED_MAX_BYTES {
                            return Ok(Err(RecordFault::UnclosedQuote(fields.len())));
                        }
                        field.push_str(end);
                        let Some(next) = self.line()? else {
                            return Ok(Err(RecordFault::UnclosedQuote(fields.len())));
                        };
                        taken.push(next);
                        current = taken.len();
                        pos = 0;
                    }
                }
            }
        }
    }
}

fn line_at<'a>(first: &'a Line, taken: &'a [(u64, Line)], current: usize) -> &'a str {
    if current == 0 {
        &first.text
    } else {
        &taken[current - 1].1.text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn records(text: &str, delimiter: u8) -> Vec<(u64, Vec<String>, Option<RecordFault>)> {
        let mut records =
            Records::new(Lines::new(text.as_bytes(), None).unwrap(), delimiter, false);
        let mut out = Vec::new();
        while let Some(r) = records.next_record().unwrap() {
            out.push((r.line, r.fields, r.fault));
        }
        out
    }

    #[test]
    fn the_separator_is_the_one_the_header_has_most_of_outside_quotes() {
        assert_eq!(detect_delimiter("id,name,notes"), b',');
        assert_eq!(detect_delimiter("id;name;\"a,b,c\""), b';');
        assert_eq!(detect_delimiter("id\tname\tnotes"), b'\t');
        assert_eq!(detect_delimiter("name"), b',');
    }

    #[test]
    fn records_keep_their_first_line_and_an_open_quote_gives_its_lines_back() {
        let got = records("a,\"b\r\nc\",d\r\ne,\"f\r\ng,h\r\n", b',');
        let fields = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(
            got,
            vec![
                (1, fields(&["a", "b\r\nc", "d"]), None),
                (3, Vec::new(), Some(RecordFault::UnclosedQuote(1))),
                (4, fields(&["g", "h"]), None),
            ]
        );
    }
}
