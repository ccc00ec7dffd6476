//! A closed-loop HTTP/1.1 load generator for the benchmarks, on tokio's TCP stream alone.
//!
//! Each of `connections` tasks keeps one keep-alive connection and sends its next request as soon
//! as the previous response has been read whole (closed loop: the offered load follows the server).
//! Requests are serialised once, responses read into one reused buffer per connection, so that the
//! generator's own CPU stays low. Only `readable`/`try_read` and `writable`/`try_write` are used:
//! no dependency on tokio's `io-util` feature. Run it on a multi-threaded runtime.
#![allow(dead_code)]

use std::io::{self, ErrorKind};
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use tokio::net::TcpStream;
use tokio::time::{Instant, sleep, sleep_until, timeout_at};

/// A request unanswered for this long counts as an error and its connection is replaced.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(10);
/// Clock ticks per second of the CPU times in /proc (`getconf CLK_TCK`: 100 on Linux).
const CLK_TCK: f64 = 100.0;

/// The figures of one run, all over the measured period (the warm-up excluded).
#[derive(Debug, Clone, Default)]
pub struct LoadReport {
    /// Requests sent and answered `200` within the measured period (their latencies are the p50/p99).
    pub requests: u64,
    /// Other statuses, I/O errors, failed connections and timeouts within the measured period.
    pub errors: u64,
    pub seconds: f64,
    /// `requests / seconds`.
    pub per_second: f64,
    pub p50_ms: f64,
    pub p99_ms: f64,
    /// The server's CPU time (all threads, user + system) over the period divided by its length:
    /// how many cores it kept busy (0.0 when /proc/{pid}/stat is unreadable).
    pub server_cpu_cores: f64,
    /// Fraction of all CPUs busy over the period, this generator included (/proc/stat).
    pub machine_cpu_busy: f64,
}

/// Runs the load: `POST {path}` with the `bodies` (JSON) round-robin, each connection starting at
/// its own offset; `warmup` unmeasured, then `duration` measured. Fails early when nothing listens
/// at `addr`, or when `bodies` or `connections` is empty; later failures are counted as errors.
pub async fn closed_loop(
    addr: SocketAddr,
    path: &str,
    bodies: Vec<Vec<u8>>,
    connections: usize,
    warmup: Duration,
    duration: Duration,
    server_pid: u32,
) -> io::Result<LoadReport> {
    if bodies.is_empty() || connections == 0 {
        return Err(io::Error::new(ErrorKind::InvalidInput, "closed_loop needs bodies and connections"));
    }
    drop(TcpStream::connect(addr).await?);
    let requests: Arc<Vec<Vec<u8>>> = Arc::new(bodies.iter().map(|body| serialise(addr, path, body)).collect());
    let measure_from = Instant::now() + warmup;
    let until = measure_from + duration;
    let workers: Vec<_> = (0..connections)
        .map(|index| tokio::spawn(worker(addr, Arc::clone(&requests), index, measure_from, until)))
        .collect();

    sleep_until(measure_from).await;
    let (machine_before, server_before, sampled_at) = (machine_ticks(), process_ticks(server_pid), Instant::now());
    sleep_until(until).await;
    let (machine_after, server_after) = (machine_ticks(), process_ticks(server_pid));
    let span = sampled_at.elapsed().as_secs_f64();

    let mut total = Tally::default();
    for handle in workers {
        let tally = handle.await.map_err(io::Error::other)?;
        total.ok += tally.ok;
        total.errors += tally.errors;
        total.latencies.extend(tally.latencies);
    }
    total.latencies.sort_unstable();
    let seconds = duration.as_secs_f64();
    let server_cpu_cores = match (server_before, server_after) {
        (Some(before), Some(after)) if span > 0.0 => after.saturating_sub(before) as f64 / CLK_TCK / span,
        _ => 0.0,
    };
    let machine_cpu_busy = match (machine_before, machine_after) {
        (Some((idle0, all0)), Some((idle1, all1))) if all1 > all0 => {
            1.0 - idle1.saturating_sub(idle0) as f64 / (all1 - all0) as f64
        }
        _ => 0.0,
    };
    Ok(LoadReport {
        requests: total.ok,
        errors: total.errors,
        seconds,
        per_second: if seconds > 0.0 { total.ok as f64 / seconds } else { 0.0 },
        p50_ms: percentile_ms(&total.latencies, 0.50),
        p99_ms: percentile_ms(&total.latencies, 0.99),
        server_cpu_cores,
        machine_cpu_busy,
    })
}

/// Resident memory of a process, in MiB (VmRSS of /proc/{pid}/status); 0.0 when unreadable.
pub fn rss_mb(pid: u32) -> f64 {
    status_kb(pid, "VmRSS:") / 1024.0
}

/// Peak resident memory of a process, in MiB (VmHWM of /proc/{pid}/status); 0.0 when unreadable.
pub fn hwm_mb(pid: u32) -> f64 {
    status_kb(pid, "VmHWM:") / 1024.0
}

/// Where a response stands in the bytes received so far.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Parsed {
    Incomplete,
    /// A whole response of `length` bytes (head and body), and whether the server closes after it.
    Complete {
        status: u16,
        length: usize,
        close: bool,
    },
}

/// Parses the response at the start of `bytes`: status line, headers, then a body delimited by
/// `content-length` or `transfer-encoding: chunked` (none for 1xx, 204 and 304).
pub fn parse_response(bytes: &[u8]) -> io::Result<Parsed> {
    let Some(head_end) = find(bytes, b"\r\n\r\n") else { return Ok(Parsed::Incomplete) };
    let body_start = head_end + 4;
    let mut lines = bytes[..head_end].split(|&b| b == b'\n').map(|line| line.strip_suffix(b"\r").unwrap_or(line));
    let mut status_line = lines.next().unwrap_or_default().splitn(3, |&b| b == b' ');
    let version = status_line.next().unwrap_or_default();
    let status = status_line.next().and_then(number::<u16>).ok_or_else(|| invalid("malformed status line"))?;
    let (mut length, mut chunked, mut close) = (None, false, version == b"HTTP/1.0");
    for line in lines {
        let Some(colon) = line.iter().position(|&b| b == b':') else { continue };
        let (name, value) = (&line[..colon], line[colon + 1..].trim_ascii());
        if name.eq_ignore_ascii_case(b"content-length") {
            length = Some(number::<usize>(value).ok_or_else(|| invalid("malformed content-length"))?);
        } else if name.eq_ignore_ascii_case(b"transfer-encoding") {
            chunked = has_token(value, b"chunked");
        } else if name.eq_ignore_ascii_case(b"connection") {
            close = has_token(value, b"close") || (close && !has_token(value, b"keep-alive"));
        }
    }
    let body_length = match (chunked, length) {
        (true, _) => chunked_length(&bytes[body_start..])?.unwrap_or(usize::MAX), // MAX: not whole yet
        (false, Some(length)) => length,
        (false, None) if status < 200 || status == 204 || status == 304 => 0,
        (false, None) => return Err(invalid("response without content-length nor chunked encoding")),
    };
    let length = body_start.saturating_add(body_length);
    Ok(if bytes.len() < length { Parsed::Incomplete } else { Parsed::Complete { status, length, close } })
}

/// The length of a complete chunked body at the start of `body` (chunks, last chunk, trailers).
fn chunked_length(body: &[u8]) -> io::Result<Option<usize>> {
    let mut at = 0;
    loop {
        let Some(eol) = find(&body[at..], b"\r\n") else { return Ok(None) };
        let digits = body[at..at + eol].split(|&b| b == b';').next().unwrap_or_default().trim_ascii();
        let size = std::str::from_utf8(digits).ok().and_then(|hex| usize::from_str_radix(hex, 16).ok());
        let size = size.ok_or_else(|| invalid("malformed chunk size"))?;
        at += eol + 2;
        if size == 0 {
            // Trailer fields may follow the last chunk: the body ends at the first empty line, which
            // may be right after the size line (whose CRLF starts the search).
            return Ok(find(&body[at - 2..], b"\r\n\r\n").map(|end| at + end + 2));
        }
        at = at.saturating_add(size).saturating_add(2);
        if at > body.len() {
            return Ok(None);
        }
    }
}

/// What one connection counted.
#[derive(Default)]
struct Tally {
    ok: u64,
    errors: u64,
    /// Latencies of the successful measured requests, in nanoseconds.
    latencies: Vec<u64>,
}

/// The bytes read from one connection and not yet consumed; zeroed once, grown when needed.
struct Inbox {
    data: Vec<u8>,
    filled: usize,
}

async fn worker(addr: SocketAddr, requests: Arc<Vec<Vec<u8>>>, index: usize, from: Instant, until: Instant) -> Tally {
    let mut tally = Tally::default();
    let mut inbox = Inbox { data: vec![0; 64 * 1024], filled: 0 };
    let mut stream = None;
    let mut next = index % requests.len();
    loop {
        let sent = Instant::now();
        if sent >= until {
            break;
        }
        let request = &requests[next];
        next = (next + 1) % requests.len();
        let exchanged = exchange(addr, &mut stream, request, &mut inbox);
        let outcome = timeout_at(until.min(sent + REQUEST_TIMEOUT), exchanged).await;
        let done = Instant::now();
        let counted = sent >= from && done <= until;
        match outcome {
            Err(_) if done >= until => break, // in flight when the period ended: not counted
            Ok(Ok(200)) => {
                if counted {
                    tally.ok += 1;
                    tally.latencies.push(u64::try_from((done - sent).as_nanos()).unwrap_or(u64::MAX));
                }
            }
            Ok(Ok(_)) => tally.errors += u64::from(counted),
            Ok(Err(_)) | Err(_) => {
                tally.errors += u64::from(counted);
                stream = None;
                inbox.filled = 0;
                sleep(Duration::from_millis(10)).await; // no busy loop on a refused connection
            }
        }
    }
    tally
}

/// Sends one request on the connection (opened if needed), reads the response; returns its status.
async fn exchange(
    addr: SocketAddr,
    slot: &mut Option<TcpStream>,
    request: &[u8],
    inbox: &mut Inbox,
) -> io::Result<u16> {
    let stream = match slot {
        Some(stream) => stream,
        None => {
            let stream = TcpStream::connect(addr).await?;
            stream.set_nodelay(true)?;
            inbox.filled = 0;
            slot.insert(stream)
        }
    };
    let mut unsent = request;
    while !unsent.is_empty() {
        match stream.try_write(unsent) {
            Ok(0) => return Err(ErrorKind::WriteZero.into()),
            Ok(n) => unsent = &unsent[n..],
            Err(err) if err.kind() == ErrorKind::WouldBlock => stream.writable().await?,
            Err(err) => return Err(err),
        }
    }
    loop {
        if let Parsed::Complete { status, length, close } = parse_response(&inbox.data[..inbox.filled])? {
            inbox.data.copy_within(length..inbox.filled, 0);
            inbox.filled -= length;
            if close {
                *slot = None;
                inbox.filled = 0;
            }
            return Ok(status);
        }
        if inbox.filled == inbox.data.len() {
            let grown = inbox.data.len() * 2;
            inbox.data.resize(grown, 0);
        }
        match stream.try_read(&mut inbox.data[inbox.filled..]) {
            Ok(0) => return Err(ErrorKind::UnexpectedEof.into()),
            Ok(n) => inbox.filled += n,
            Err(err) if err.kind() == ErrorKind::WouldBlock => stream.readable().await?,
            Err(err) => return Err(err),
        }
    }
}

fn serialise(addr: SocketAddr, path: &str, body: &[u8]) -> Vec<u8> {
    let head = format!(
        "POST {path} HTTP/1.1\r\nhost: {addr}\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n",
        body.len()
    );
    [head.as_bytes(), body].concat()
}

fn percentile_ms(sorted_nanos: &[u64], fraction: f64) -> f64 {
    if sorted_nanos.is_empty() {
        return 0.0;
    }
    let rank = ((fraction * sorted_nanos.len() as f64).ceil() as usize).clamp(1, sorted_nanos.len());
    sorted_nanos[rank - 1] as f64 / 1e6
}

/// utime + stime of a process, in clock ticks (fields 14 and 15 of /proc/{pid}/stat, counted after
/// the command name, which may hold spaces and parentheses).
fn process_ticks(pid: u32) -> Option<u64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    let mut fields = stat.get(stat.rfind(')')? + 1..)?.split_whitespace().skip(11);
    let utime: u64 = fields.next()?.parse().ok()?;
    let stime: u64 = fields.next()?.parse().ok()?;
    Some(utime + stime)
}

/// (idle + iowait, total) ticks of all CPUs, from the `cpu` line of /proc/stat (user to steal;
/// guest time is already counted in user).
fn machine_ticks() -> Option<(u64, u64)> {
    let stat = std::fs::read_to_string("/proc/stat").ok()?;
    let line = stat.lines().find(|line| line.starts_with("cpu "))?;
    let ticks: Vec<u64> = line.split_whitespace().skip(1).take(8).map(|v| v.parse().ok()).collect::<Option<_>>()?;
    Some((ticks.get(3)? + ticks.get(4).copied().unwrap_or(0), ticks.iter().sum()))
}

fn status_kb(pid: u32, field: &str) -> f64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    let value = status.lines().find_map(|line| line.strip_prefix(field));
    value.and_then(|rest| rest.split_whitespace().next()?.parse::<f64>().ok()).unwrap_or(0.0)
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|window| window == needle)
}

fn number<T: std::str::FromStr>(bytes: &[u8]) -> Option<T> {
    std::str::from_utf8(bytes).ok()?.trim().parse().ok()
}

fn has_token(value: &[u8], token: &[u8]) -> bool {
    value.split(|&b| b == b',').any(|part| part.trim_ascii().eq_ignore_ascii_case(token))
}

fn invalid(message: &str) -> io::Error {
    io::Error::new(ErrorKind::InvalidData, message.to_owned())
}
