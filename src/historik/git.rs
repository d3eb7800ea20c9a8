//! The git reader behind [`read`](super::read), with gix.

use std::collections::HashMap;
use std::path::Path;

use gix::bstr::ByteSlice;
use gix::hash::ObjectId;

use super::{Andring, Beslutsversion, FilHistorik, Historik, Kalla};
use crate::model::Datum;

/// Reads the history of `files`, given as (name relative to `root`, text on disk now).
/// Never fails: a problem with the repository becomes [`Kalla::Saknas`] with the reason.
pub fn read(root: &Path, dir: &str, files: &[(&str, &str)]) -> Historik {
    let mut repo = match gix::discover(root) {
        Ok(repo) => repo,
        Err(_) => return Historik::saknas("innehållet ligger inte i ett git-förråd"),
    };
    // Each folder tree is read as a commit's and again as its child's parent.
    repo.object_cache_size_if_unset(16 << 20);
    match read_repo(&repo, root, dir, files) {
        Ok(h) => h,
        Err(e) => Historik::saknas(format!("git-historiken kunde inte läsas: {e}")),
    }
}

type GitResult<T> = Result<T, Box<dyn std::error::Error + Send + Sync>>;

fn read_repo(repo: &gix::Repository, root: &Path, dir: &str, files: &[(&str, &str)]) -> GitResult<Historik> {
    let Some(workdir) = repo.workdir() else {
        return Ok(Historik::saknas("git-förrådet saknar arbetskatalog"));
    };
    let Ok(head) = repo.head_id() else {
        return Ok(Historik::saknas("git-förrådet har inga incheckningar ännu"));
    };
    // The content folder as a path inside the repository: the project may be a sub-folder.
    let inside = root.canonicalize()?.strip_prefix(workdir.canonicalize()?)?.join(dir);
    let prefix: Vec<String> = inside.components().map(|c| c.as_os_str().to_string_lossy().into_owned()).collect();

    let wanted: HashMap<String, &str> = files
        .iter()
        .filter_map(|(name, text)| name.strip_prefix(dir).map(|rest| (rest.trim_start_matches('/').to_owned(), *text)))
        .collect();
    // Each file's versions, newest first: (commit, blob).
    let mut versions: HashMap<String, Vec<(Andring, ObjectId)>> = HashMap::new();
    let mut folder_of: HashMap<ObjectId, Option<ObjectId>> = HashMap::new();
    let mut state = gix::diff::tree::State::default();
    let walk = repo.rev_walk([head.detach()]).sorting(gix::revision::walk::Sorting::ByCommitTime(Default::default()));
    for info in walk.all()? {
        let info = info?;
        let folder = folder_id(repo, info.id, &prefix, &mut folder_of)?;
        // In a shallow clone the boundary's parents are missing: the history starts there.
        let parents: Vec<ObjectId> = info.parent_ids.iter().copied().filter(|p| repo.has_object(p)).collect();
        let mut parent_folders = Vec::with_capacity(parents.len());
        for p in &parents {
            parent_folders.push(folder_id(repo, *p, &prefix, &mut folder_of)?);
        }
        // Like `git log -- path`: a merge that takes the folder from one parent changed nothing.
        let first = parent_folders.first().copied().flatten();
        if parent_folders.contains(&folder) || (parents.is_empty() && folder.is_none()) {
            continue;
        }
        let mut recorder = gix::diff::tree::Recorder::default();
        let (old, new) = (tree_bytes(repo, first)?, tree_bytes(repo, folder)?);
        gix::diff::tree(
            gix::objs::TreeRefIter::from_bytes(&old, repo.object_hash()),
            gix::objs::TreeRefIter::from_bytes(&new, repo.object_hash()),
            &mut state,
            &repo.objects,
            &mut recorder,
        )?;
        let mut andring = None;
        for change in recorder.records {
            use gix::diff::tree::recorder::Change;
            let (path, oid, mode) = match change {
                Change::Addition { path, oid, entry_mode, .. } | Change::Modification { path, oid, entry_mode, .. } => {
                    (path, oid, entry_mode)
                }
                Change::Deletion { .. } => continue,
            };
            let Ok(path) = path.to_str() else { continue };
            if !mode.is_blob() || !wanted.contains_key(path) {
                continue;
            }
            let a = match &andring {
                Some(a) => a,
                None => andring.insert(describe(repo, info.id)?),
            };
            versions.entry(path.to_owned()).or_default().push((a.clone(), oid));
        }
    }

    let mut filer = HashMap::new();
    for (file, text) in &wanted {
        let v = versions.remove(file).unwrap_or_default();
        let now = gix::objs::compute_hash(repo.object_hash(), gix::objs::Kind::Blob, text.as_bytes())?;
        // A checkout with `core.autocrlf=true` has CRLF where the commit has LF.
        let lf = if text.contains("\r\n") {
            Some(gix::objs::compute_hash(
                repo.object_hash(),
                gix::objs::Kind::Blob,
                text.replace("\r\n", "\n").as_bytes(),
            )?)
        } else {
            None
        };
        let ej_incheckad = v.first().is_none_or(|(_, blob)| *blob != now && lf != Some(*blob));
        let beslutad = beslutad_version(repo, &v)?;
        let andringar = v.into_iter().map(|(a, _)| a).collect();
        filer.insert(format!("{dir}/{file}"), FilHistorik { andringar, ej_incheckad, beslutad });
    }
    Ok(Historik { kalla: Kalla::Git { head: head.to_string() }, filer })
}

/// The id of the assessment folder's tree in `commit`, memoised: each commit is asked once
/// as itself and once as a parent.
fn folder_id(
    repo: &gix::Repository,
    commit: ObjectId,
    prefix: &[String],
    memo: &mut HashMap<ObjectId, Option<ObjectId>>,
) -> GitResult<Option<ObjectId>> {
    if let Some(id) = memo.get(&commit) {
        return Ok(*id);
    }
    let tree = repo.find_commit(commit)?.tree()?;
    let entry = tree.lookup_entry(prefix.iter().map(|s| s.as_bytes()))?;
    let id = entry.filter(|e| e.mode().is_tree()).map(|e| e.object_id());
    memo.insert(commit, id);
    Ok(id)
}

fn tree_bytes(repo: &gix::Repository, id: Option<ObjectId>) -> GitResult<Vec<u8>> {
    Ok(match id {
        Some(id) => repo.find_tree(id)?.detach().data,
        None => Vec::new(),
    })
}

fn describe(repo: &gix::Repository, id: ObjectId) -> GitResult<Andring> {
    let commit = repo.find_commit(id)?;
    let author = commit.author()?;
    let time = author.time()?;
    let local = jiff::Timestamp::from_second(time.seconds)?.to_zoned(jiff::tz::TimeZone::fixed(
        jiff::tz::Offset::from_seconds(time.offset).unwrap_or(jiff::tz::Offset::UTC),
    ));
    Ok(Andring {
        commit: id.to_string(),
        kort: id.to_hex_with_len(7).to_string(),
        datum: Datum(local.date()),
        forfattare: author.name.to_str_lossy().trim().to_owned(),
        meddelande: commit.message()?.summary().to_str_lossy().into_owned(),
    })
}

/// The newest version whose decision status or date differs from the version before it,
/// and has a decision: that is when the decision was recorded.
fn beslutad_version(repo: &gix::Repository, versions: &[(Andring, ObjectId)]) -> GitResult<Option<Beslutsversion>> {
    let mut previous = None;
    let mut found = None;
    for (andring, blob) in versions.iter().rev() {
        let text = repo.find_blob(*blob)?.data.to_str_lossy().into_owned();
        let beslut = beslut_nyckel(&text);
        if beslut.is_some() && beslut != previous {
            found = Some(Beslutsversion { andring: andring.clone(), text });
        }
        previous = beslut;
    }
    Ok(found)
}

/// The decision's status and date in a version of the file, if it has both. A version that
/// does not parse has no decision as far as history is concerned.
fn beslut_nyckel(text: &str) -> Option<(String, String)> {
    let table: toml::Table = toml::from_str(text).ok()?;
    let beslut = table.get("beslut")?.as_table()?;
    Some((beslut.get("status")?.to_string(), beslut.get("datum")?.to_string()))
}
