//! `cargo xtask serve-book`: the book at http://127.0.0.1:PORT, rebuilt and reloaded within a
//! fraction of a second of a save. `mdbook serve` waits a full second after the last change
//! before it rebuilds (its watcher debounces by one second, `mdbook/src/cmd/watch/native.rs`),
//! so this loop watches the sources itself every 50 ms, builds the book with `book-build` (mdBook's library), and tells open pages
//! to reload through a server-sent event. Only std: a static file server for one reader.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, SystemTime};

/// Injected into every page: reload when the server says the book was rebuilt.
const RELOAD_SCRIPT: &str = "<script>new EventSource('/__reload').onmessage = () => location.reload();</script></body>";

/// Counts the builds; a page's event stream waits for the count to change.
type Builds = Arc<(Mutex<u64>, Condvar)>;

pub fn serve_book(root: &Path, port: u16) -> ExitCode {
    let site = root.join("target/book");
    if !build(root) {
        eprintln!("error: the book did not build (see above); fix it and run this again");
        return ExitCode::FAILURE;
    }
    let listener = match TcpListener::bind(("127.0.0.1", port)) {
        Ok(listener) => listener,
        Err(error) => {
            eprintln!("error: cannot listen on 127.0.0.1:{port}: {error}");
            return ExitCode::FAILURE;
        }
    };
    let builds: Builds = Arc::new((Mutex::new(0), Condvar::new()));
    let watched = builds.clone();
    let watched_root = root.to_owned();
    std::thread::spawn(move || watch(&watched_root, &watched));
    eprintln!("serving the book at http://127.0.0.1:{port} (Ctrl-C stops)");
    for stream in listener.incoming().flatten() {
        let (site, builds) = (site.clone(), builds.clone());
        std::thread::spawn(move || {
            let _ = answer(stream, &site, &builds);
        });
    }
    ExitCode::SUCCESS
}

/// One build by `book-build` (tools/book-build), which ci/serve-book builds before it starts this,
/// beside this program in cargo's target directory (wherever that is).
fn build(root: &Path) -> bool {
    let book_build = std::env::current_exe()
        .ok()
        .and_then(|xtask| Some(xtask.parent()?.join("book-build")))
        .unwrap_or_else(|| listings::Workspace { root: root.to_owned() }.target_dir().join("debug/book-build"));
    match Command::new(&book_build).arg(root).status() {
        Ok(status) => status.success(),
        Err(error) => {
            eprintln!("error: cannot run {}: {error} (ci/serve-book builds it)", book_build.display());
            false
        }
    }
}

/// The sources a page is made of: the pages, the snapshots and code the pages include (the
/// chapters' and the exercises').
fn sources(root: &Path) -> HashMap<PathBuf, SystemTime> {
    fn walk(dir: &Path, found: &mut HashMap<PathBuf, SystemTime>) {
        for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
            let path = entry.path();
            match entry.file_type() {
                Ok(kind) if kind.is_dir() && path.file_name().is_some_and(|n| n != "target") => walk(&path, found),
                Ok(_) => {
                    if let Ok(modified) = entry.metadata().and_then(|m| m.modified()) {
                        found.insert(path, modified);
                    }
                }
                Err(_) => {}
            }
        }
    }
    let mut found = HashMap::new();
    walk(&root.join("book"), &mut found);
    walk(&root.join("chapters"), &mut found);
    walk(&root.join("exercises"), &mut found);
    if let Ok(modified) = std::fs::metadata(root.join("book.toml")).and_then(|m| m.modified()) {
        found.insert(root.join("book.toml"), modified);
    }
    found
}

fn watch(root: &Path, builds: &Builds) {
    let mut last = sources(root);
    loop {
        std::thread::sleep(Duration::from_millis(50));
        let now = sources(root);
        if now != last {
            last = now;
            if build(root) {
                let (count, changed) = &**builds;
                *count.lock().unwrap() += 1;
                changed.notify_all();
            }
        }
    }
}

fn answer(mut stream: TcpStream, site: &Path, builds: &Builds) -> std::io::Result<()> {
    let mut request = String::new();
    BufReader::new(&stream).read_line(&mut request)?;
    let path = request.split_whitespace().nth(1).unwrap_or("/").split(['?', '#']).next().unwrap_or("/");
    if path == "/__reload" {
        stream.write_all(b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-cache\r\n\r\n")?;
        let (count, changed) = &**builds;
        let mut seen = *count.lock().unwrap();
        loop {
            let guard = changed.wait_while(count.lock().unwrap(), |now| *now == seen).unwrap();
            seen = *guard;
            drop(guard);
            stream.write_all(b"data: reload\n\n")?;
        }
    }
    let relative = path.trim_start_matches('/');
    let mut file = site.join(if relative.is_empty() { "index.html" } else { relative });
    if file.is_dir() {
        file = file.join("index.html");
    }
    if relative.split('/').any(|part| part == "..") || !file.is_file() {
        return stream.write_all(b"HTTP/1.1 404 Not Found\r\nContent-Length: 9\r\n\r\nnot found");
    }
    let mut body = std::fs::read(&file)?;
    let kind = match file.extension().and_then(|e| e.to_str()) {
        Some("html") => {
            body = String::from_utf8_lossy(&body).replacen("</body>", RELOAD_SCRIPT, 1).into_bytes();
            "text/html; charset=utf-8"
        }
        Some("css") => "text/css",
        Some("js") => "application/javascript",
        Some("json") => "application/json",
        Some("svg") => "image/svg+xml",
        Some("png") => "image/png",
        Some("woff2") => "font/woff2",
        Some("woff") => "font/woff",
        Some("ttf") => "font/ttf",
        _ => "application/octet-stream",
    };
    write!(
        stream,
        "HTTP/1.1 200 OK\r\nContent-Type: {kind}\r\nContent-Length: {}\r\nCache-Control: no-store\r\nConnection: close\r\n\r\n",
        body.len()
    )?;
    stream.write_all(&body)
}
