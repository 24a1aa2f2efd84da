//! The edit journal: every change written to disk the moment it is made,
//! so a crash, a kill or a power cut loses no edit.
//!
//! One file per data file, JSON lines: a header naming the data file and
//! its stamp when the edits began, then one [`Change`] per line, each
//! appended and synced before the edit is shown as made. A line cut short
//! by a crash is the only one that can be damaged; reading skips it. A save
//! of the data file removes its journal; a journal found at start holds
//! edits that were never saved and is offered for recovery.

use std::fs::{File, OpenOptions};
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::Change;
use crate::model::FileStamp;

/// The journal's first line.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Header {
    /// What the file is.
    pub journal: String,
    /// The data file the edits are of.
    pub file: String,
    /// The data file as it was when the edits began.
    pub stamp: Option<FileStamp>,
}

const KIND: &str = "binzhou-sites edit journal 1";

/// An open journal, appending.
#[derive(Debug)]
pub struct EditJournal {
    path: PathBuf,
    file: File,
}

impl EditJournal {
    /// Opens the journal at `path` for appending, writing its header first
    /// when it is new.
    pub fn open(path: &Path, data_file: &str, stamp: Option<FileStamp>) -> std::io::Result<Self> {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)?;
        }
        let fresh = std::fs::metadata(path).map(|m| m.len() == 0).unwrap_or(true);
        let mut file = OpenOptions::new().create(true).append(true).open(path)?;
        if fresh {
            let h = Header { journal: KIND.into(), file: data_file.into(), stamp };
            let mut line = serde_json::to_vec(&h).map_err(std::io::Error::other)?;
            line.push(b'\n');
            file.write_all(&line)?;
            file.sync_all()?;
            if let Some(dir) = path.parent() {
                crate::save::sync_folder(dir);
            }
        }
        Ok(EditJournal { path: path.to_path_buf(), file })
    }

    /// Appends changes, one line each, and syncs: when this returns, they
    /// are on disk.
    pub fn append(&mut self, changes: &[Change]) -> std::io::Result<()> {
        let mut buf = Vec::new();
        for c in changes {
            // A line cut by a crash must not run into the next one.
            buf.push(b'\n');
            serde_json::to_writer(&mut buf, c).map_err(std::io::Error::other)?;
        }
        buf.push(b'\n');
        self.file.write_all(&buf)?;
        self.file.sync_data()
    }

    /// Where it is.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Removes the journal (after a save wrote its edits to the data file).
    pub fn remove(self) -> std::io::Result<()> {
        drop(self.file);
        match std::fs::remove_file(&self.path) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(e),
            _ => Ok(()),
        }
    }
}

/// What a journal holds.
#[derive(Clone, Debug, PartialEq)]
pub struct Recovered {
    /// Its header.
    pub header: Header,
    /// Its changes, in the order they were made.
    pub changes: Vec<Change>,
    /// Lines that could not be read (cut short by a crash).
    pub damaged: usize,
}

/// Reads a journal; `Ok(None)` when there is none or it holds no change.
pub fn read(path: &Path) -> std::io::Result<Option<Recovered>> {
    let file = match File::open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(e),
    };
    let mut lines = BufReader::new(file).split(b'\n');
    let header = loop {
        match lines.next() {
            None => return Ok(None),
            Some(l) => {
                let l = l?;
                if l.trim_ascii().is_empty() {
                    continue;
                }
                match serde_json::from_slice::<Header>(&l) {
                    Ok(h) if h.journal == KIND => break h,
                    _ => {
                        return Err(std::io::Error::new(
                            std::io::ErrorKind::InvalidData,
                            format!("{} is not an edit journal", path.display()),
                        ));
                    }
                }
            }
        }
    };
    let mut changes = Vec::new();
    let mut damaged = 0;
    for l in lines {
        let l = l?;
        if l.trim_ascii().is_empty() {
            continue;
        }
        match serde_json::from_slice::<Change>(&l) {
            Ok(c) => changes.push(c),
            Err(_) => damaged += 1,
        }
    }
    if changes.is_empty() {
        return Ok(None);
    }
    Ok(Some(Recovered { header, changes, damaged }))
}
