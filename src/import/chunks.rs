//! Reading a large statement in chunks of whole lines, parsed on every core
//! while this thread reads (and so hashes) the next ones. The per-chunk
//! results are handed back with their index, so callers merge them in file
//! order and no figure depends on the number of threads.

use std::io::Read;

const CHUNK: usize = 1 << 20;

/// Physical lines in a chunk (a last line without its newline counts).
pub fn line_count(data: &[u8]) -> u64 {
    memchr::memchr_iter(b'\n', data).count() as u64
        + u64::from(!data.is_empty() && !data.ends_with(b"\n"))
}

/// Reads up to the first line that is not blank: the header. Returns its
/// line number and bytes, or `None` for an input with no such line.
pub fn header_line(input: &mut impl std::io::BufRead) -> std::io::Result<Option<(u64, Vec<u8>)>> {
    let mut line_no = 0u64;
    let mut header = Vec::new();
    loop {
        header.clear();
        if input.read_until(b'\n', &mut header)? == 0 {
            return Ok(None);
        }
        line_no += 1;
        if !header.trim_ascii().is_empty() {
            return Ok(Some((line_no, header)));
        }
    }
}


/// A buffer of whole lines: `bytes[..len]`. The buffer keeps its full
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

/// Reads the next chunk of whole lines into `buf` (after `carry`, the
/// partial line left by the previous chunk). Returns false at the end.
fn next_chunk(
    input: &mut impl Read,
    buf: &mut Chunk,
    carry: &mut Vec<u8>,
) -> std::io::Result<bool> {
    let want = carry.len() + CHUNK;
    if buf.bytes.len() < want {
        buf.bytes.resize(want, 0);
    }
    buf.bytes[..carry.len()].copy_from_slice(carry);
    let mut n = carry.len();
    carry.clear();
    let mut eof = false;
    while n < want {
        match input.read(&mut buf.bytes[n..want]) {
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
        match memchr::memrchr(b'\n', &buf.bytes[..n]) {
            Some(i) => {
                carry.extend_from_slice(&buf.bytes[i + 1..n]);
                buf.len = i + 1;
            }
            // A line longer than a chunk: keep reading it.
            None => {
                carry.extend_from_slice(&buf.bytes[..n]);
                buf.len = 0;
                return Ok(true);
            }
        }
    }
    Ok(buf.len > 0 || !eof)
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

/// Cuts `input` into chunks of whole lines and parses them with `parse` on
/// `threads` worker threads (0: all cores; 1: on this thread), while this
/// thread reads (and so hashes) the next chunks. Each thread parses with
/// its own `state()` (e.g. a `memo::KeyMemo`), returned at the end. `done`
/// receives each chunk's result with its index, on this thread, in any
/// order.
pub fn chunked<S: Send, P: Send>(
    input: &mut impl Read,
    threads: usize,
    state: &(dyn Fn() -> S + Sync),
    parse: &(dyn Fn(&mut S, &[u8]) -> P + Sync),
    mut done: impl FnMut(usize, P),
) -> (Option<std::io::Error>, Vec<S>) {
    let n = threads_for(threads);
    let mut carry = Vec::new();
    let mut io_error = None;
    if n <= 1 {
        let mut buf = Chunk::new();
        let mut idx = 0;
        let mut st = state();
        loop {
            match next_chunk(input, &mut buf, &mut carry) {
                Ok(true) if buf.len == 0 => continue,
                Ok(true) => {
                    done(idx, parse(&mut st, buf.data()));
                    idx += 1;
                }
                Ok(false) => break,
                Err(e) => {
                    io_error = Some(e);
                    break;
                }
            }
        }
        return (io_error, vec![st]);
    }
    let (work_tx, work_rx) = std::sync::mpsc::sync_channel::<(usize, Chunk)>(2 * n);
    let work_rx = std::sync::Mutex::new(work_rx);
    let (done_tx, done_rx) = std::sync::mpsc::channel::<(usize, P, Chunk)>();
    let mut free: Vec<Chunk> = Vec::new();
    let mut states = Vec::with_capacity(n);
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
            match next_chunk(input, &mut buf, &mut carry) {
                Ok(true) if buf.len == 0 => {
                    free.push(buf);
                    continue;
                }
                Ok(true) => {
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
                Ok(false) => break,
                Err(e) => {
                    io_error = Some(e);
                    break;
                }
            }
            // Take what the workers finished, and reuse their buffers.
            while let Ok((i, p, b)) = done_rx.try_recv() {
                done(i, p);
                free.push(b);
            }
        }
        drop(work_tx);
        for (i, p, _) in done_rx.iter() {
            done(i, p);
        }
        states.push(st);
        for w in workers {
            states.push(w.join().expect("no worker panics"));
        }
    });
    (io_error, states)
}
