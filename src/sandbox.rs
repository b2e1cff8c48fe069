//! The sandbox: I/O is denied unless allowed, as in Deno.
//!
//! `--allow-read[=PATH,...]`, `--allow-write[=PATH,...]`,
//! `--allow-net[=HOST[:PORT],...]` and `-A` grant access; without a value a
//! flag grants everything of its kind. File access goes through cap-std
//! directory handles opened on the allowed roots, so a path can neither
//! climb out with `..` nor follow a symlink that points outside. A denial
//! is a catchable `file-error` naming the flag that would allow it.

use cap_std::ambient_authority;
use cap_std::fs::{Dir, OpenOptions};
use lisp_runtime::Exception;
use std::path::{Component, Path, PathBuf};

/// What a program may touch.
#[derive(Clone, Debug, Default)]
pub struct Permissions {
    /// `None`: denied; `Some([])`: everything; otherwise these roots.
    pub read: Option<Vec<PathBuf>>,
    pub write: Option<Vec<PathBuf>>,
    /// `None`: denied; `Some([])`: every host; otherwise `host` or `host:port`.
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

/// Read or write access.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Access {
    Read,
    Write,
}

impl Access {
    fn flag(self) -> &'static str {
        match self {
            Access::Read => "--allow-read",
            Access::Write => "--allow-write",
        }
    }
    fn word(self) -> &'static str {
        match self {
            Access::Read => "read",
            Access::Write => "write",
        }
    }
}

/// The sandbox shared, read-only, by every thread of an engine.
#[derive(Debug, Default)]
pub struct Sandbox {
    pub permissions: Permissions,
}

/// Lexically resolves `path` against the current directory, removing `.`
/// and `..` (a `..` can then only climb within the absolute path).
pub fn absolute(path: &Path) -> PathBuf {
    let joined = if path.is_absolute() {
        path.to_path_buf()
    } else {
        std::env::current_dir()
            .unwrap_or_else(|_| PathBuf::from("/"))
            .join(path)
    };
    let mut out = PathBuf::from("/");
    for c in joined.components() {
        match c {
            Component::ParentDir => {
                out.pop();
            }
            Component::Normal(part) => out.push(part),
            _ => {}
        }
    }
    out
}

fn denied(access: Access, path: &Path) -> Exception {
    Exception::error_of_kind(
        "file-error",
        format!(
            "{} access to \"{}\" denied (run with {})",
            access.word(),
            path.display(),
            access.flag()
        ),
    )
}

impl Sandbox {
    pub fn new(permissions: Permissions) -> Sandbox {
        Sandbox { permissions }
    }

    /// The allowed root containing `path`, and `path` relative to it.
    fn confine(&self, access: Access, path: &Path) -> Result<(PathBuf, PathBuf), Exception> {
        let roots = match access {
            Access::Read => &self.permissions.read,
            Access::Write => &self.permissions.write,
        };
        let Some(roots) = roots else {
            return Err(denied(access, path));
        };
        let abs = absolute(path);
        if roots.is_empty() {
            let rel = abs.strip_prefix("/").unwrap_or(&abs).to_path_buf();
            return Ok((PathBuf::from("/"), rel));
        }
        for root in roots {
            let root = absolute(root);
            if let Ok(rel) = abs.strip_prefix(&root) {
                return Ok((root.clone(), rel.to_path_buf()));
            }
        }
        Err(denied(access, path))
    }

    /// A capability handle on the allowed root for `path`, and the path
    /// relative to it. cap-std refuses to leave the root, through `..` or
    /// through symlinks.
    pub fn open_dir(&self, access: Access, path: &Path) -> Result<(Dir, PathBuf), Exception> {
        let (root, rel) = self.confine(access, path)?;
        let dir = Dir::open_ambient_dir(&root, ambient_authority()).map_err(|e| {
            Exception::error_of_kind("file-error", format!("cannot open {}: {e}", root.display()))
        })?;
        Ok((dir, rel))
    }

    /// Reads a whole file.
    pub fn read_to_string(&self, path: &Path) -> Result<String, Exception> {
        let (dir, rel) = self.open_dir(Access::Read, path)?;
        dir.read_to_string(&rel)
            .map_err(|e| io_error(Access::Read, path, e))
    }

    /// Opens a file for reading.
    pub fn open_read(&self, path: &Path) -> Result<std::fs::File, Exception> {
        let (dir, rel) = self.open_dir(Access::Read, path)?;
        dir.open(&rel)
            .map(|f| f.into_std())
            .map_err(|e| io_error(Access::Read, path, e))
    }

    /// Opens a file for writing, truncating or appending.
    pub fn open_write(&self, path: &Path, append: bool) -> Result<std::fs::File, Exception> {
        let (dir, rel) = self.open_dir(Access::Write, path)?;
        let mut options = OpenOptions::new();
        options.write(true).create(true);
        if append {
            options.append(true);
        } else {
            options.truncate(true);
        }
        dir.open_with(&rel, &options)
            .map(|f| f.into_std())
            .map_err(|e| io_error(Access::Write, path, e))
    }

    /// Whether `path` exists (needs read access).
    pub fn exists(&self, path: &Path) -> Result<bool, Exception> {
        let (dir, rel) = self.open_dir(Access::Read, path)?;
        if rel.as_os_str().is_empty() {
            return Ok(true);
        }
        Ok(dir.try_exists(&rel).unwrap_or(false))
    }

    /// Deletes a file (needs write access).
    pub fn delete(&self, path: &Path) -> Result<(), Exception> {
        let (dir, rel) = self.open_dir(Access::Write, path)?;
        dir.remove_file(&rel)
            .map_err(|e| io_error(Access::Write, path, e))
    }

    /// The sorted entry names of a directory (needs read access).
    pub fn list_dir(&self, path: &Path) -> Result<Vec<String>, Exception> {
        let (dir, rel) = self.open_dir(Access::Read, path)?;
        let target = if rel.as_os_str().is_empty() {
            dir
        } else {
            dir.open_dir(&rel)
                .map_err(|e| io_error(Access::Read, path, e))?
        };
        let mut names: Vec<String> = target
            .entries()
            .map_err(|e| io_error(Access::Read, path, e))?
            .filter_map(|e| e.ok().map(|e| e.file_name().to_string_lossy().into_owned()))
            .collect();
        names.sort();
        Ok(names)
    }

    /// Checks that connecting to or listening on `host:port` is allowed.
    pub fn check_net(&self, host: &str, port: u16) -> Result<(), Exception> {
        let deny = || {
            Exception::error_of_kind(
                "file-error",
                format!("network access to \"{host}:{port}\" denied (run with --allow-net)"),
            )
        };
        let Some(allowed) = &self.permissions.net else {
            return Err(deny());
        };
        if allowed.is_empty() {
            return Ok(());
        }
        let ok = allowed.iter().any(|a| match a.rsplit_once(':') {
            Some((h, p)) if p.parse::<u16>().is_ok() => h == host && p.parse::<u16>() == Ok(port),
            _ => a == host,
        });
        if ok {
            Ok(())
        } else {
            Err(deny())
        }
    }
}

fn io_error(access: Access, path: &Path, e: std::io::Error) -> Exception {
    // cap-std reports an escape attempt as PermissionDenied or as an
    // "outside of the filesystem" error: both are sandbox denials.
    let text = e.to_string();
    if e.kind() == std::io::ErrorKind::PermissionDenied || text.contains("outside") {
        return denied(access, path);
    }
    Exception::error_of_kind(
        "file-error",
        format!("cannot {} \"{}\": {text}", access.word(), path.display()),
    )
}

/// Parses a comma-separated flag value into paths.
pub fn parse_paths(value: &str) -> Vec<PathBuf> {
    value
        .split(',')
        .filter(|s| !s.is_empty())
        .map(PathBuf::from)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn absolute_paths_fold_dot_dot() {
        assert_eq!(
            absolute(Path::new("/a/b/../c/./d")),
            PathBuf::from("/a/c/d")
        );
        assert_eq!(absolute(Path::new("/../../etc")), PathBuf::from("/etc"));
    }

    #[test]
    fn nothing_is_allowed_by_default() {
        let s = Sandbox::default();
        let e = s.read_to_string(Path::new("/etc/hostname")).unwrap_err();
        assert!(e.message().contains("--allow-read"), "{}", e.message());
        assert!(s
            .check_net("localhost", 80)
            .unwrap_err()
            .message()
            .contains("--allow-net"));
    }

    #[test]
    fn roots_confine_reads_and_escapes_are_denied() {
        let dir = std::env::temp_dir().join(format!("lisp-sandbox-{}", std::process::id()));
        std::fs::create_dir_all(dir.join("inside")).unwrap();
        std::fs::write(dir.join("inside/ok.txt"), "fine").unwrap();
        std::fs::write(dir.join("secret.txt"), "no").unwrap();
        let _ = std::fs::remove_file(dir.join("inside/link"));
        std::os::unix::fs::symlink(dir.join("secret.txt"), dir.join("inside/link")).unwrap();
        let s = Sandbox::new(Permissions {
            read: Some(vec![dir.join("inside")]),
            ..Default::default()
        });
        assert_eq!(
            s.read_to_string(&dir.join("inside/ok.txt")).unwrap(),
            "fine"
        );
        assert!(s.read_to_string(&dir.join("inside/../secret.txt")).is_err());
        assert!(s.read_to_string(&dir.join("secret.txt")).is_err());
        assert!(
            s.read_to_string(&dir.join("inside/link")).is_err(),
            "symlink escape must fail"
        );
        assert!(
            s.open_write(&dir.join("inside/new.txt"), false).is_err(),
            "write needs --allow-write"
        );
    }
}
