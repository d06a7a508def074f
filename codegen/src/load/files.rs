//! File access for the loader: reading and parsing YAML, listing folders, and remembering every
//! input (for `rerun-if-changed`) and every source text (for snippets).

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fs;
use std::path::{Path, PathBuf};

use crate::diagnostics::Diagnostic;

use super::lint;
use super::report::{Place, Report};
use super::yaml::{self, Node, SyntaxError};

/// Files larger than this are refused rather than parsed.
const MAX_FILE_BYTES: u64 = 16 * 1024 * 1024;

/// What a folder entry is (symlinks followed).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EntryKind {
    /// A regular file.
    File,
    /// A folder.
    Dir,
    /// Anything else, or unreadable.
    Other,
}

/// A folder entry.
#[derive(Debug, Clone)]
pub struct DirEntry {
    /// File name.
    pub name: String,
    /// Full path.
    pub path: PathBuf,
    /// Kind.
    pub kind: EntryKind,
}

/// The loader's view of the file system under one root.
pub struct Files {
    /// The tree root (absolute).
    pub root: PathBuf,
    /// Diagnostics so far.
    pub diagnostics: Vec<Diagnostic>,
    /// Source texts by relative name.
    pub sources: BTreeMap<String, String>,
    /// Every file read and folder listed.
    pub inputs: BTreeSet<PathBuf>,
    /// YAML files read and parsed ahead of the walk (see [`Files::prefetch`]), until asked for.
    prefetched: HashMap<PathBuf, Result<Parsed, (Place, String)>>,
}

/// A file's text (byte-order mark removed) and its parse.
type Parsed = (String, Result<Node, SyntaxError>);

impl Files {
    /// Starts with an absolute version of `root`.
    pub fn new(root: &Path) -> Self {
        let root = std::path::absolute(root).unwrap_or_else(|_| root.to_path_buf());
        Files {
            root,
            diagnostics: Vec::new(),
            sources: BTreeMap::new(),
            inputs: BTreeSet::new(),
            prefetched: HashMap::new(),
        }
    }

    /// Reads and parses every YAML file under the root on all cores, so the walk (which
    /// validates, reports and records inputs in its own order) finds them ready. Only real
    /// folders are entered (no symlinks, nothing hidden or `__`-prefixed); whatever this
    /// misses is read when asked for.
    pub fn prefetch(&mut self) {
        let mut paths = Vec::new();
        yaml_files(&self.root, &mut paths);
        let parsed = crate::parallel::map(&paths, |path| read_and_parse(path));
        self.prefetched = paths.into_iter().zip(parsed).collect();
    }

    /// `path` relative to the root, `/`-separated (the root itself is `.`).
    pub fn rel(&self, path: &Path) -> String {
        let rel = path.strip_prefix(&self.root).unwrap_or(path);
        let parts: Vec<String> = rel
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect();
        if parts.is_empty() {
            ".".to_string()
        } else {
            parts.join("/")
        }
    }

    /// A report about `path`.
    pub fn report(&mut self, path: &Path) -> Report<'_> {
        let rel = self.rel(path);
        Report::new(&rel, &mut self.diagnostics)
    }

    /// A report about a file given by its relative name.
    pub fn report_rel(&mut self, rel: &str) -> Report<'_> {
        Report::new(rel, &mut self.diagnostics)
    }

    /// Lists a folder, sorted by name; unreadable folders are reported and empty.
    pub fn list(&mut self, dir: &Path) -> Vec<DirEntry> {
        self.inputs.insert(dir.to_path_buf());
        let read = match fs::read_dir(dir) {
            Ok(read) => read,
            Err(err) => {
                self.report(dir)
                    .error(Place::FILE, "", format!("cannot list folder: {err}"));
                return Vec::new();
            }
        };
        let mut out: Vec<DirEntry> = read
            .filter_map(Result::ok)
            .map(|e| {
                let path = e.path();
                // The listing already knows the type (no `stat` per entry); only a symlink
                // needs its target looked up.
                let kind = match e.file_type() {
                    Ok(t) if t.is_file() => EntryKind::File,
                    Ok(t) if t.is_dir() => EntryKind::Dir,
                    _ => match fs::metadata(&path) {
                        Ok(m) if m.is_file() => EntryKind::File,
                        Ok(m) if m.is_dir() => EntryKind::Dir,
                        _ => EntryKind::Other,
                    },
                };
                DirEntry {
                    name: e.file_name().to_string_lossy().into_owned(),
                    path,
                    kind,
                }
            })
            .collect();
        out.sort_by(|a, b| a.name.cmp(&b.name));
        out
    }

    /// Reads and parses a YAML file, reporting read and syntax errors and YAML 1.1 lints.
    /// Returns the relative name and the tree.
    pub fn yaml(&mut self, path: &Path) -> Option<(String, Node)> {
        let rel = self.rel(path);
        self.inputs.insert(path.to_path_buf());
        let read = match self.prefetched.remove(path) {
            Some(read) => read,
            None => read_and_parse(path),
        };
        let (text, parsed) = match read {
            Ok(read) => read,
            Err((place, message)) => {
                self.report_rel(&rel).error(place, "", message);
                return None;
            }
        };
        self.sources.insert(rel.clone(), text);
        let mut r = self.report_rel(&rel);
        match parsed {
            Ok(node) => {
                lint::yaml11_booleans(&node, "", &mut r);
                Some((rel, node))
            }
            Err(err) => {
                r.error(
                    Place {
                        line: err.line,
                        column: err.column,
                    },
                    "",
                    format!("invalid YAML: {}", err.message),
                );
                None
            }
        }
    }
}

/// Reads a file and parses it as YAML; `Err` when it cannot be read as text.
fn read_and_parse(path: &Path) -> Result<Parsed, (Place, String)> {
    let mut text = read_text(path)?;
    if text.starts_with('\u{feff}') {
        text.drain(..'\u{feff}'.len_utf8());
    }
    let parsed = yaml::parse(&text);
    Ok((text, parsed))
}

/// Collects `.yaml` and `.yml` files under `dir` (see [`Files::prefetch`]).
fn yaml_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(read) = fs::read_dir(dir) else { return };
    for entry in read.filter_map(Result::ok) {
        let name = entry.file_name();
        let name = name.to_string_lossy();
        let Ok(kind) = entry.file_type() else {
            continue;
        };
        if kind.is_dir() && !name.starts_with('.') && !name.starts_with("__") {
            yaml_files(&entry.path(), out);
        } else if kind.is_file() && (name.ends_with(".yaml") || name.ends_with(".yml")) {
            out.push(entry.path());
        }
    }
}

/// The file's text; a file that is not UTF-8 is reported at its first bad byte.
fn read_text(path: &Path) -> Result<String, (Place, String)> {
    let whole = |message: String| (Place::FILE, message);
    let meta = fs::metadata(path).map_err(|e| whole(format!("cannot read file: {e}")))?;
    if meta.is_dir() {
        return Err(whole("expected a file, found a folder".to_string()));
    }
    if meta.len() > MAX_FILE_BYTES {
        return Err(whole(format!(
            "file is too large ({} bytes, at most {MAX_FILE_BYTES})",
            meta.len()
        )));
    }
    let bytes = fs::read(path).map_err(|e| whole(format!("cannot read file: {e}")))?;
    String::from_utf8(bytes).map_err(|e| {
        let valid = &e.as_bytes()[..e.utf8_error().valid_up_to()];
        (
            place_after(valid),
            "file is not valid UTF-8 (this byte is not part of a UTF-8 character)".to_string(),
        )
    })
}

/// The line and column (in characters) right after `valid`, which is UTF-8.
fn place_after(valid: &[u8]) -> Place {
    let text = std::str::from_utf8(valid).unwrap_or_default();
    let line_start = text.rfind('\n').map_or(0, |i| i + 1);
    let count = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
    Place {
        line: count(text.matches('\n').count() + 1),
        column: count(text[line_start..].chars().count() + 1),
    }
}
