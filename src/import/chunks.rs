//! Reading a large statement in chunks of whole records, parsed on every
//! core while this thread reads (and so hashes) the next ones. The
//! per-chunk results are handed back with their index, so callers merge
//! them in file order and no figure depends on the number of threads.
//!
//! A chunk ends at the end of a record, not merely of a line: in a layout
//! that quotes cells, a newline inside quotes is part of a cell, so the
//! cut is placed by following the quotes from the chunk's start (which is
//! a record's start), exactly as the `csv` crate reads them. A quoted
//! newline at a chunk's edge therefore reads as it does in a small file.
//!
//! The reading thread can also stop at the end of the rows (a blank line,
//! a footer): what follows is handed back whole, for the caller to check.

use std::io::Read;

/// Bytes per chunk (about; a chunk holds whole records).
pub const CHUNK: usize = 1 << 20;

/// A record longer than this without its closing quote is cut at a newline
/// anyway: the quote is then reported as unreadable, and memory stays
/// bounded.
const LONGEST_RECORD: usize = 64 << 20;

/// Physical lines in a chunk (a last line without its newline counts).
pub fn line_count(data: &[u8]) -> u64 {
    memchr::memchr_iter(b'\n', data).count() as u64
        + u64::from(!data.is_empty() && !data.ends_with(b"\n"))
}

/// The positions of the newlines that end records, in order: every
/// newline when `quoting` is off or there is no quote in `data`, else those
/// outside quoted cells. `data` must start at a record's start.
pub fn record_ends(data: &[u8], delimiter: u8, quoting: bool) -> Vec<usize> {
    if !quoting || memchr::memchr(b'"', data).is_none() {
        return memchr::memchr_iter(b'\n', data).collect();
    }
    let mut out = Vec::new();
    let (mut quoted, mut field_start) = (false, true);
    let mut i = 0;
    while i < data.len() {
        let c = data[i];
        if quoted {
            if c == b'"' {
                if data.get(i + 1) == Some(&b'"') {
                    i += 1;
                } else {
                    quoted = false;
                }
            }
        } else if c == b'"' && field_start {
            quoted = true;
            field_start = false;
        } else if c == delimiter {
            field_start = true;
        } else if c == b'\n' {
            out.push(i);
            field_start = true;
        } else if c != b'\r' {
            field_start = false;
        }
        i += 1;
    }
    out
}

/// Given a chunk (starting at a record), the offset of the first line that
/// is not a row any more, if there is one.
pub type Stop<'a> = dyn Fn(&[u8]) -> Option<usize> + Sync + 'a;

/// How to cut the input: where records end, and where the rows stop.
pub struct Cutter<'a> {
    pub delimiter: u8,
    pub quoting: bool,
    pub stop: Option<&'a Stop<'a>>,
}

impl Cutter<'_> {
    /// The end (exclusive) of the last whole record in `data`.
    fn last_record_end(&self, data: &[u8], force: bool) -> Option<usize> {
        if self.quoting && !force && memchr::memchr(b'"', data).is_some() {
            return record_ends(data, self.delimiter, true)
                .last()
                .map(|i| i + 1);
        }
        memchr::memrchr(b'\n', data).map(|i| i + 1)
    }
}

/// A buffer of whole records: `bytes[..len]`. The buffer keeps its full
/// size and is reused, so it is zeroed once, not for every chunk.
struct Chunk {
    bytes: Vec<u8>,
    len: usize,
}

impl Chunk {
    fn new() -> Chunk {
        Chunk {
            bytes: Vec::new(),
            len: 0,
        }
    }
    fn data(&self) -> &[u8] {
        &self.bytes[..self.len]
    }
}

/// What `next_chunk` found.
enum Next {
    /// A chunk of whole records (possibly empty: keep reading).
    Chunk,
    /// The rows stopped in this chunk; what follows is in the tail.
    Stop,
    End,
}

/// Reads the next chunk of whole records into `buf` (after `carry`, the
/// partial record left by the previous chunk).
fn next_chunk(
    input: &mut impl Read,
    buf: &mut Chunk,
    carry: &mut Vec<u8>,
    cut: &Cutter,
    size: usize,
    tail: &mut Vec<u8>,
) -> std::io::Result<Next> {
    let want = carry.len() + size;
    // The buffer grows as the input fills it: a small file (one of 300,
    // say) never zeroes a chunk's megabyte.
    let start = (carry.len() + (64 << 10)).min(want);
    if buf.bytes.len() < start {
        buf.bytes.resize(start, 0);
    }
    buf.bytes[..carry.len()].copy_from_slice(carry);
    let mut n = carry.len();
    carry.clear();
    let mut eof = false;
    while n < want {
        if n == buf.bytes.len() {
            buf.bytes.resize((2 * n).min(want), 0);
        }
        let end = buf.bytes.len().min(want);
        match input.read(&mut buf.bytes[n..end]) {
            Ok(0) => {
                eof = true;
                break;
            }
            Ok(k) => n += k,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    buf.len = n;
    if !eof {
        match cut.last_record_end(&buf.bytes[..n], n > LONGEST_RECORD) {
            Some(end) => {
                carry.extend_from_slice(&buf.bytes[end..n]);
                buf.len = end;
            }
            // A record longer than a chunk: keep reading it.
            None => {
                carry.extend_from_slice(&buf.bytes[..n]);
                buf.len = 0;
                return Ok(Next::Chunk);
            }
        }
    }
    if let Some(stop) = cut.stop {
        if let Some(at) = stop(buf.data()) {
            tail.extend_from_slice(&buf.bytes[at..buf.len]);
            tail.append(carry);
            input.read_to_end(tail)?;
            buf.len = at;
            return Ok(Next::Stop);
        }
    }
    Ok(if buf.len > 0 || !eof {
        Next::Chunk
    } else {
        Next::End
    })
}

fn threads_for(requested: usize) -> usize {
    if requested > 0 {
        requested
    } else {
        std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(1)
    }
}

/// What reading in chunks gave besides each chunk's result.
pub struct Chunked<S> {
    pub io_error: Option<std::io::Error>,
    /// Each thread's state (e.g. its sums), in no particular order.
    pub states: Vec<S>,
    /// The input after the rows stopped (`Cutter::stop`), whole.
    pub tail: Vec<u8>,
}

/// Cuts `input` into chunks of whole records and parses them with `parse`
/// on `threads` worker threads (0: all cores; 1: on this thread), while
/// this thread reads (and so hashes) the next chunks. Each thread parses
/// with its own `state()` (e.g. a `memo::KeyMemo`), returned at the end.
/// `done` receives each chunk's result with its index, on this thread, in
/// any order.
pub fn chunked<S: Send, P: Send>(
    input: &mut impl Read,
    threads: usize,
    cut: &Cutter,
    state: &(dyn Fn() -> S + Sync),
    parse: &(dyn Fn(&mut S, &[u8]) -> P + Sync),
    done: impl FnMut(usize, P),
) -> Chunked<S> {
    chunked_by(input, threads, cut, CHUNK, state, parse, done)
}

/// `chunked` with a chunk size of `size` bytes (tests use tiny ones, so
/// that every record meets a chunk's edge).
pub fn chunked_by<S: Send, P: Send>(
    input: &mut impl Read,
    threads: usize,
    cut: &Cutter,
    size: usize,
    state: &(dyn Fn() -> S + Sync),
    parse: &(dyn Fn(&mut S, &[u8]) -> P + Sync),
    mut done: impl FnMut(usize, P),
) -> Chunked<S> {
    let n = threads_for(threads);
    let mut carry = Vec::new();
    let mut out = Chunked {
        io_error: None,
        states: Vec::new(),
        tail: Vec::new(),
    };
    if n <= 1 {
        let mut buf = Chunk::new();
        let mut idx = 0;
        let mut st = state();
        loop {
            let next = next_chunk(input, &mut buf, &mut carry, cut, size, &mut out.tail);
            match next {
                Ok(Next::Chunk) if buf.len == 0 => continue,
                Ok(next @ (Next::Chunk | Next::Stop)) => {
                    if buf.len > 0 {
                        done(idx, parse(&mut st, buf.data()));
                        idx += 1;
                    }
                    if matches!(next, Next::Stop) {
                        break;
                    }
                }
                Ok(Next::End) => break,
                Err(e) => {
                    out.io_error = Some(e);
                    break;
                }
            }
        }
        out.states.push(st);
        return out;
    }
    let (work_tx, work_rx) = std::sync::mpsc::sync_channel::<(usize, Chunk)>(2 * n);
    let work_rx = std::sync::Mutex::new(work_rx);
    let (done_tx, done_rx) = std::sync::mpsc::channel::<(usize, P, Chunk)>();
    let mut free: Vec<Chunk> = Vec::new();
    std::thread::scope(|scope| {
        let mut workers = Vec::with_capacity(n - 1);
        // n - 1 workers: this thread reads and hashes, and parses a chunk
        // itself whenever the workers' queue is full, so n threads compute.
        for _ in 0..n - 1 {
            let (work_rx, done_tx) = (&work_rx, done_tx.clone());
            workers.push(scope.spawn(move || {
                let mut st = state();
                loop {
                    let job = work_rx.lock().expect("no worker panics").recv();
                    let Ok((idx, buf)) = job else { break };
                    let p = parse(&mut st, buf.data());
                    if done_tx.send((idx, p, buf)).is_err() {
                        break;
                    }
                }
                st
            }));
        }
        drop(done_tx);
        let mut idx = 0;
        let mut st = state();
        loop {
            let mut buf = free.pop().unwrap_or_else(Chunk::new);
            let next = next_chunk(input, &mut buf, &mut carry, cut, size, &mut out.tail);
            let stop = matches!(next, Ok(Next::Stop));
            match next {
                Ok(Next::Chunk | Next::Stop) if buf.len == 0 => free.push(buf),
                Ok(Next::Chunk | Next::Stop) => {
                    match work_tx.try_send((idx, buf)) {
                        Ok(()) => {}
                        Err(std::sync::mpsc::TrySendError::Full((i, b))) => {
                            done(i, parse(&mut st, b.data()));
                            free.push(b);
                        }
                        Err(std::sync::mpsc::TrySendError::Disconnected(_)) => break,
                    }
                    idx += 1;
                }
                Ok(Next::End) => break,
                Err(e) => {
                    out.io_error = Some(e);
                    break;
                }
            }
            // Take what the workers finished, and reuse their buffers.
            while let Ok((i, p, b)) = done_rx.try_recv() {
                done(i, p);
                free.push(b);
            }
            if stop {
                break;
            }
        }
        drop(work_tx);
        for (i, p, _) in done_rx.iter() {
            done(i, p);
        }
        out.states.push(st);
        for w in workers {
            out.states.push(w.join().expect("no worker panics"));
        }
    });
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The records each chunk holds, for every chunk size from 1 byte up.
    fn cut_all(text: &[u8], size: usize, cut: &Cutter) -> (Vec<Vec<u8>>, Vec<u8>) {
        let mut chunks: Vec<(usize, Vec<u8>)> = Vec::new();
        let r = chunked_by(
            &mut &text[..],
            1,
            cut,
            size,
            &|| (),
            &|_, d| d.to_vec(),
            |i, d| chunks.push((i, d)),
        );
        chunks.sort();
        (chunks.into_iter().map(|(_, d)| d).collect(), r.tail)
    }

    #[test]
    fn chunks_end_at_record_ends_even_inside_quotes() {
        let text = b"a,\"x\ny\",1\nb,\"he said \"\"hi\"\"\n\",2\nc,3\n";
        let cut = Cutter {
            delimiter: b',',
            quoting: true,
            stop: None,
        };
        let records = [
            &b"a,\"x\ny\",1\n"[..],
            &b"b,\"he said \"\"hi\"\"\n\",2\n"[..],
            &b"c,3\n"[..],
        ];
        for size in 1..text.len() + 2 {
            let (chunks, _) = cut_all(text, size, &cut);
            assert_eq!(chunks.concat(), text.to_vec(), "size {size}");
            for c in &chunks {
                // Each chunk is a run of whole records.
                let mut rest = &c[..];
                while !rest.is_empty() {
                    let r = records
                        .iter()
                        .find(|r| rest.starts_with(r))
                        .unwrap_or_else(|| panic!("size {size}: {:?}", String::from_utf8_lossy(c)));
                    rest = &rest[r.len()..];
                }
            }
        }
    }

    #[test]
    fn the_rows_stop_where_the_stop_says_and_the_rest_is_the_tail() {
        let text = b"r1\nr2\n\nfooter 1\nfooter 2\n";
        let stop = |d: &[u8]| {
            let mut at = 0;
            for line in d.split_inclusive(|c| *c == b'\n') {
                if line.trim_ascii().is_empty() {
                    return Some(at);
                }
                at += line.len();
            }
            None
        };
        let cut = Cutter {
            delimiter: b',',
            quoting: false,
            stop: Some(&stop),
        };
        for size in 1..text.len() + 2 {
            let (chunks, tail) = cut_all(text, size, &cut);
            assert_eq!(chunks.concat(), b"r1\nr2\n".to_vec(), "size {size}");
            assert_eq!(tail, b"\nfooter 1\nfooter 2\n".to_vec(), "size {size}");
        }
    }
}
