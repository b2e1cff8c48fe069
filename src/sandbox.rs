//! The sandbox: file and network access is denied unless the command line
//! allows it, as in Deno (`--allow-read[=PATH,...]`,
//! `--allow-write[=PATH,...]`, `--allow-net[=HOST[:PORT],...]`, `-A`).
//!
//! Confinement works in two steps. A requested path is made absolute
//! (relative to the current directory) and normalised lexically, so `..`
//! cannot climb out of an allowed root unnoticed; the path must then lie
//! under one of the allowed roots. The file is finally opened through a
//! cap-std `Dir` handle of that root with the path relative to it, and
//! cap-std refuses any symlink that leads outside the root. Only a blanket
//! grant (`--allow-read` without paths, or `-A`) uses ambient authority.
//!
//! The sandbox lives in the engine's `Host`, so spawned threads share it.

use cap_std::ambient_authority;
use cap_std::fs::{Dir, OpenOptions};
use lisp_runtime::Exception;
use std::ffi::OsString;
use std::io;
use std::path::{Component, Path, PathBuf};

/// What the command line allows, before any directory is opened. For each
/// kind, `None` denies, `Some([])` (the flag without a value) allows
/// everything, and a list allows only what it names.
#[derive(Clone, Debug, Default)]
pub struct Permissions {
    pub read: Option<Vec<PathBuf>>,
    pub write: Option<Vec<PathBuf>>,
    /// `host` or `host:port` entries.
    pub net: Option<Vec<String>>,
}

impl Permissions {
    /// Everything allowed (`-A`).
    pub fn all() -> Permissions {
        Permissions {
            read: Some(Vec::new()),
            write: Some(Vec::new()),
            net: Some(Vec::new()),
        }
    }
}

/// Parses a comma-separated flag value into paths.
pub fn parse_paths(value: &str) -> Vec<PathBuf> {
    value
        .split(',')
        .filter(|s| !s.is_empty())
        .map(PathBuf::from)
        .collect()
}

/// The kind of file access a procedure needs; names the flag in denials.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Access {
    Read,
    Write,
}

impl Access {
    fn word(self) -> &'static str {
        match self {
            Access::Read => "read",
            Access::Write => "write",
        }
    }
}

/// The enforced permissions of one engine.
pub struct Sandbox {
    read: Grant<Root>,
    write: Grant<Root>,
    net: Grant<NetRule>,
}

/// One kind of access: nothing, everything, or the listed items.
enum Grant<T> {
    Denied,
    All,
    Only(Vec<T>),
}

impl<T> Grant<T> {
    /// The grant of a flag's values (see `Permissions`), each item turned
    /// into `T` (or dropped, when `make` cannot).
    fn new<S>(flag: &Option<Vec<S>>, make: impl Fn(&S) -> Option<T>) -> Grant<T> {
        match flag {
            None => Grant::Denied,
            Some(items) if items.is_empty() => Grant::All,
            Some(items) => Grant::Only(items.iter().filter_map(make).collect()),
        }
    }
}

/// An allowed directory, opened once. When the flag named a file rather
/// than a directory, `file` is its name and `dir` is its parent.
struct Root {
    /// The root as given (made absolute) and as resolved by the file
    /// system: a request may name it either way, e.g. through a symlinked
    /// directory the user allowed.
    paths: Vec<PathBuf>,
    dir: Dir,
    file: Option<OsString>,
}

/// An allowed network peer: a host and, optionally, one port.
struct NetRule {
    host: String,
    port: Option<u16>,
}

/// Where a permitted path is reached: through a root's `Dir` (confined)
/// or directly (blanket grant).
enum Location<'a> {
    Ambient(PathBuf),
    Confined { dir: &'a Dir, rel: PathBuf },
}

impl Sandbox {
    /// Opens the allowed roots. A path that does not exist yet is allowed
    /// as a single file of its (existing) parent directory.
    pub fn new(p: Permissions) -> Sandbox {
        Sandbox {
            read: Grant::new(&p.read, |p| open_root(p)),
            write: Grant::new(&p.write, |p| open_root(p)),
            net: Grant::new(&p.net, |e| Some(parse_net(e))),
        }
    }

    fn resolve(&self, access: Access, path: &Path) -> Result<Location<'_>, Exception> {
        let grant = match access {
            Access::Read => &self.read,
            Access::Write => &self.write,
        };
        let roots = match grant {
            Grant::Denied => return Err(denied(access, path)),
            Grant::All => return Ok(Location::Ambient(path.to_path_buf())),
            Grant::Only(roots) => roots,
        };
        let absolute = absolute(path);
        for root in roots {
            let Some(rel) = root
                .paths
                .iter()
                .find_map(|p| absolute.strip_prefix(p).ok())
            else {
                continue;
            };
            match &root.file {
                Some(name) if rel.as_os_str() != name.as_os_str() => continue,
                _ => {}
            }
            let rel = if rel.as_os_str().is_empty() {
                PathBuf::from(".")
            } else {
                rel.to_path_buf()
            };
            return Ok(Location::Confined {
                dir: &root.dir,
                rel,
            });
        }
        Err(denied(access, path))
    }

    /// The whole contents of a file as text.
    pub fn read_to_string(&self, who: &str, path: &Path) -> Result<String, Exception> {
        let result = match self.resolve(Access::Read, path)? {
            Location::Ambient(p) => std::fs::read_to_string(p),
            Location::Confined { dir, rel } => dir.read_to_string(rel),
        };
        result.map_err(|e| io_error(who, Access::Read, path, e))
    }

    /// Writes `data` to a file, replacing it or appending to it.
    pub fn write(
        &self,
        who: &str,
        path: &Path,
        data: &[u8],
        append: bool,
    ) -> Result<(), Exception> {
        use std::io::Write;
        let mut file = self.open_write(who, path, append)?;
        file.write_all(data)
            .map_err(|e| io_error(who, Access::Write, path, e))
    }

    /// Whether a file or directory exists (needs read access).
    pub fn exists(&self, who: &str, path: &Path) -> Result<bool, Exception> {
        let result = match self.resolve(Access::Read, path)? {
            Location::Ambient(p) => p.try_exists(),
            Location::Confined { dir, rel } => dir.try_exists(rel),
        };
        result.map_err(|e| io_error(who, Access::Read, path, e))
    }

    /// Deletes a file (needs write access).
    pub fn remove_file(&self, who: &str, path: &Path) -> Result<(), Exception> {
        let result = match self.resolve(Access::Write, path)? {
            Location::Ambient(p) => std::fs::remove_file(p),
            Location::Confined { dir, rel } => dir.remove_file(rel),
        };
        result.map_err(|e| io_error(who, Access::Write, path, e))
    }

    /// The names in a directory, sorted.
    pub fn list_dir(&self, who: &str, path: &Path) -> Result<Vec<String>, Exception> {
        let fail = |e| io_error(who, Access::Read, path, e);
        let mut names = Vec::new();
        match self.resolve(Access::Read, path)? {
            Location::Ambient(p) => {
                for entry in std::fs::read_dir(p).map_err(fail)? {
                    names.push(entry.map_err(fail)?.file_name());
                }
            }
            Location::Confined { dir, rel } => {
                for entry in dir.read_dir(rel).map_err(fail)? {
                    names.push(entry.map_err(fail)?.file_name());
                }
            }
        }
        let mut names: Vec<String> = names
            .into_iter()
            .map(|n| n.to_string_lossy().into_owned())
            .collect();
        names.sort();
        Ok(names)
    }

    /// Opens a file for reading.
    pub fn open_read(&self, who: &str, path: &Path) -> Result<std::fs::File, Exception> {
        let result = match self.resolve(Access::Read, path)? {
            Location::Ambient(p) => std::fs::File::open(p),
            Location::Confined { dir, rel } => dir.open(rel).map(|f| f.into_std()),
        };
        result.map_err(|e| io_error(who, Access::Read, path, e))
    }

    /// Opens a file for writing, creating it; truncates unless `append`.
    pub fn open_write(
        &self,
        who: &str,
        path: &Path,
        append: bool,
    ) -> Result<std::fs::File, Exception> {
        let result = match self.resolve(Access::Write, path)? {
            Location::Ambient(p) => std::fs::OpenOptions::new()
                .write(true)
                .create(true)
                .append(append)
                .truncate(!append)
                .open(p),
            Location::Confined { dir, rel } => {
                let mut options = OpenOptions::new();
                options
                    .write(true)
                    .create(true)
                    .append(append)
                    .truncate(!append);
                dir.open_with(rel, &options).map(|f| f.into_std())
            }
        };
        result.map_err(|e| io_error(who, Access::Write, path, e))
    }

    /// Checks that connecting to or listening on `host:port` is allowed.
    pub fn check_net(&self, host: &str, port: u16) -> Result<(), Exception> {
        let rules = match &self.net {
            Grant::All => return Ok(()),
            Grant::Denied => return Err(net_denied(host, port)),
            Grant::Only(rules) => rules,
        };
        let host = host.trim_start_matches('[').trim_end_matches(']');
        let allowed = rules
            .iter()
            .any(|r| r.host.eq_ignore_ascii_case(host) && r.port.is_none_or(|p| p == port));
        if allowed {
            Ok(())
        } else {
            Err(net_denied(host, port))
        }
    }
}

/// Opens an allowed path: a directory becomes a root; a file (existing or
/// not) becomes a one-file root in its parent directory. A path whose
/// parent does not exist cannot be reached and grants nothing.
fn open_root(path: &Path) -> Option<Root> {
    let absolute = absolute(path);
    let (given, file) = if absolute.is_dir() {
        (absolute, None)
    } else {
        let name = absolute.file_name()?.to_os_string();
        (absolute.parent()?.to_path_buf(), Some(name))
    };
    let resolved = given.canonicalize().ok()?;
    let dir = Dir::open_ambient_dir(&resolved, ambient_authority()).ok()?;
    let mut paths = vec![given];
    if paths[0] != resolved {
        paths.push(resolved);
    }
    Some(Root { paths, dir, file })
}

/// `path` made absolute against the current directory, with `.` and `..`
/// resolved lexically (so `allowed/../secret` is outside `allowed`).
fn absolute(path: &Path) -> PathBuf {
    let joined = if path.is_absolute() {
        path.to_path_buf()
    } else {
        std::env::current_dir()
            .unwrap_or_else(|_| PathBuf::from("/"))
            .join(path)
    };
    let mut out = PathBuf::new();
    for component in joined.components() {
        match component {
            Component::Prefix(_) | Component::RootDir | Component::Normal(_) => out.push(component),
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
        }
    }
    out
}

/// `host`, `host:port`, `[v6]` or `[v6]:port`.
fn parse_net(entry: &str) -> NetRule {
    if let Some(rest) = entry.strip_prefix('[') {
        if let Some((host, tail)) = rest.split_once(']') {
            let port = tail.strip_prefix(':').and_then(|p| p.parse().ok());
            return NetRule {
                host: host.to_string(),
                port,
            };
        }
    }
    match entry.rsplit_once(':') {
        Some((host, port)) if !host.contains(':') => match port.parse() {
            Ok(port) => NetRule {
                host: host.to_string(),
                port: Some(port),
            },
            Err(_) => NetRule {
                host: entry.to_string(),
                port: None,
            },
        },
        _ => NetRule {
            host: entry.to_string(),
            port: None,
        },
    }
}

/// A denial: a `file-error` (so `file-error?` recognises it) whose
/// message names the flag that would allow the access.
fn denied(access: Access, path: &Path) -> Exception {
    let word = access.word();
    Exception::error_of_kind(
        "file-error",
        format!(
            "{word} access to \"{}\" denied (run with --allow-{word})",
            path.display()
        ),
    )
}

fn net_denied(host: &str, port: u16) -> Exception {
    Exception::error_of_kind(
        "file-error",
        format!("net access to \"{host}:{port}\" denied (run with --allow-net)"),
    )
}

/// An I/O failure as a `file-error`; a symlink leading out of an allowed
/// root (which cap-std refuses) is reported as a denial.
fn io_error(who: &str, access: Access, path: &Path, e: io::Error) -> Exception {
    if e.kind() == io::ErrorKind::PermissionDenied && e.to_string().contains("outside") {
        return denied(access, path);
    }
    Exception::error_of_kind(
        "file-error",
        format!("{who}: cannot access \"{}\": {e}", path.display()),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalising_removes_dot_and_dotdot() {
        assert_eq!(
            absolute(Path::new("/a/b/../c/./d")),
            PathBuf::from("/a/c/d")
        );
        assert_eq!(absolute(Path::new("/../../x")), PathBuf::from("/x"));
    }

    #[test]
    fn net_entries_parse_host_and_port() {
        let r = parse_net("localhost:8080");
        assert_eq!((r.host.as_str(), r.port), ("localhost", Some(8080)));
        let r = parse_net("example.com");
        assert_eq!((r.host.as_str(), r.port), ("example.com", None));
        let r = parse_net("[::1]:80");
        assert_eq!((r.host.as_str(), r.port), ("::1", Some(80)));
    }

    #[test]
    fn net_rules_match_host_and_port() {
        let sandbox = Sandbox::new(Permissions {
            net: Some(vec!["127.0.0.1:9000".into(), "localhost".into()]),
            ..Permissions::default()
        });
        assert!(sandbox.check_net("127.0.0.1", 9000).is_ok());
        assert!(sandbox.check_net("127.0.0.1", 9001).is_err());
        assert!(sandbox.check_net("LOCALHOST", 1).is_ok());
        assert!(sandbox.check_net("example.com", 80).is_err());
    }

    #[test]
    fn everything_is_denied_by_default() {
        let sandbox = Sandbox::new(Permissions::default());
        let e = sandbox
            .read_to_string("read-file", Path::new("/etc/passwd"))
            .unwrap_err();
        assert_eq!(
            e.message(),
            "read access to \"/etc/passwd\" denied (run with --allow-read)"
        );
        assert!(sandbox
            .write("write-file", Path::new("x"), b"", false)
            .is_err());
        assert!(sandbox.check_net("localhost", 80).is_err());
    }
}
