//! The git reader behind [`read`](super::read), with gix.
//!
//! Reading the history walks every commit, and comparing a commit's assessment folder
//! with its parent's costs tree look-ups: a third of a millisecond a commit. A commit
//! never changes, so what it did to the folder is kept in a [`Minne`] by its id, and a
//! later read with the same HEAD reuses the whole walk. A rebase or an amend makes new
//! commits with new ids: they are read afresh, and what the old ones did is never used
//! again, so the history from the memory is the history read fresh.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;
use std::sync::{Arc, Mutex};

use gix::bstr::ByteSlice;
use gix::hash::ObjectId;
use serde::{Deserialize, Serialize};

use super::{Andring, Beslutsversion, FilHistorik, Historik, Kalla};
use crate::model::Datum;

/// A commit described (`None` until it is, when it came from the file form), and the
/// files it added or changed with their new blobs.
type Andrade = (Option<Andring>, Vec<(String, ObjectId)>);

/// What one commit did to the assessment folder.
#[derive(Debug, Clone)]
struct Incheckning {
    /// The folder's tree in the commit, `None` when the commit has no such folder.
    mapp: Option<ObjectId>,
    /// The files it added or changed, with their new blobs; with the commit described when
    /// there are any.
    andrade: Option<Andrade>,
}

/// What reads of one repository keep for the next, by commit and blob id; see the module.
#[derive(Debug, Default)]
struct Logg {
    /// The folder the commits were read for, inside the repository.
    prefix: Vec<String>,
    /// Every commit seen, and its parents' folder trees when it was read.
    commits: HashMap<ObjectId, Incheckning>,
    /// A version's decision (status and date), by blob.
    beslut: HashMap<ObjectId, Option<(String, String)>>,
    /// The text of each decided version, by blob, in memory only: reading one from a
    /// pack undoes its deltas, which for a thousand files costs more than the walk.
    texter: HashMap<ObjectId, String>,
    /// The last HEAD, and the commits that changed the folder, in the order of the walk.
    senast: Option<(ObjectId, Vec<ObjectId>)>,
}

/// The history's memory, shared by the reads of one process (`serve`) or kept in a file
/// beside the output's manifest for the next `build`.
#[derive(Debug, Clone, Default)]
pub struct Minne(Arc<Mutex<Logg>>);

/// The memory's file form: hex ids, sorted, so the same history gives the same bytes.
/// It lies in the published output folder, so it holds object ids and file names only:
/// no author, no message, no text and no decision of any version, which may be secret
/// or hidden (`[publicering] forfattare`). Those are read from the repository again.
#[derive(Serialize, Deserialize)]
struct Fil {
    version: String,
    prefix: Vec<String>,
    head: String,
    ordning: Vec<String>,
    commits: BTreeMap<String, FilIncheckning>,
}

#[derive(Serialize, Deserialize)]
struct FilIncheckning {
    mapp: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    andring: Option<FilAndring>,
}

#[derive(Serialize, Deserialize)]
struct FilAndring {
    filer: Vec<(String, String)>,
}

fn oid(hex: &str) -> Option<ObjectId> {
    ObjectId::from_hex(hex.as_bytes()).ok()
}

impl Minne {
    /// The memory a previous build wrote; anything unreadable gives an empty one, which
    /// only means the next read walks every commit.
    pub fn from_bytes(bytes: &[u8]) -> Minne {
        Minne(Arc::new(Mutex::new(Self::parse(bytes).unwrap_or_default())))
    }

    fn parse(bytes: &[u8]) -> Option<Logg> {
        let fil: Fil = serde_json::from_slice(bytes).ok()?;
        if fil.version != env!("CARGO_PKG_VERSION") {
            return None;
        }
        let mut commits = HashMap::with_capacity(fil.commits.len());
        for (id, c) in fil.commits {
            let id = oid(&id)?;
            let mapp = match c.mapp {
                Some(m) => Some(oid(&m)?),
                None => None,
            };
            let andrade = match c.andring {
                Some(a) => {
                    let filer = a.filer.into_iter().map(|(p, b)| Some((p, oid(&b)?))).collect::<Option<Vec<_>>>()?;
                    Some((None, filer))
                }
                None => None,
            };
            commits.insert(id, Incheckning { mapp, andrade });
        }
        let ordning = fil.ordning.iter().map(|c| oid(c)).collect::<Option<Vec<_>>>()?;
        // Every commit the order names must be known, or the memory is not whole.
        if !ordning.iter().all(|c| commits.get(c).is_some_and(|i: &Incheckning| i.andrade.is_some())) {
            return None;
        }
        Some(Logg {
            prefix: fil.prefix,
            commits,
            beslut: HashMap::new(),
            texter: HashMap::new(),
            senast: Some((oid(&fil.head)?, ordning)),
        })
    }

    /// The memory as the next build reads it; `None` when no history was read.
    pub fn to_bytes(&self) -> Option<Vec<u8>> {
        let logg = lock(&self.0);
        let (head, ordning) = logg.senast.as_ref()?;
        let commits = logg
            .commits
            .iter()
            .map(|(id, c)| {
                let andring = c.andrade.as_ref().map(|(_, filer)| FilAndring {
                    filer: filer.iter().map(|(p, b)| (p.clone(), b.to_string())).collect(),
                });
                (id.to_string(), FilIncheckning { mapp: c.mapp.map(|m| m.to_string()), andring })
            })
            .collect();
        let fil = Fil {
            version: env!("CARGO_PKG_VERSION").to_owned(),
            prefix: logg.prefix.clone(),
            head: head.to_string(),
            ordning: ordning.iter().map(ToString::to_string).collect(),
            commits,
        };
        Some(serde_json::to_vec(&fil).expect("the history memory serialises"))
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// Reads the history of `files`, given as (name relative to `root`, text on disk now),
/// taking what earlier reads found from `minne`. Never fails: a problem with the
/// repository becomes [`Kalla::Saknas`] with the reason.
pub fn read(root: &Path, dir: &str, files: &[(&str, &str)], minne: Option<&Minne>) -> Historik {
    let mut repo = match gix::discover(root) {
        Ok(repo) => repo,
        Err(_) => return Historik::saknas("innehållet ligger inte i ett git-förråd"),
    };
    // Each folder tree is read as a commit's and again as its child's parent.
    repo.object_cache_size_if_unset(16 << 20);
    // A shallow clone's boundary changes when it is deepened, with the same commit ids.
    let minne = minne.filter(|_| repo.is_shallow().is_ok_and(|s| !s));
    let mut fresh = Logg::default();
    let mut guard = minne.map(|m| lock(&m.0));
    let logg = guard.as_deref_mut().unwrap_or(&mut fresh);
    match read_repo(&repo, root, dir, files, logg) {
        Ok(h) => h,
        Err(e) => {
            *logg = Logg::default();
            Historik::saknas(format!("git-historiken kunde inte läsas: {e}"))
        }
    }
}

/// The files whose change moves HEAD in the repository that holds `root`: the folder
/// with `HEAD` (a worktree's own), and the one with `refs/` and `packed-refs`.
pub fn refs(root: &Path) -> Option<(std::path::PathBuf, std::path::PathBuf)> {
    let repo = gix::discover(root).ok()?;
    Some((repo.git_dir().to_owned(), repo.common_dir().to_owned()))
}

type GitResult<T> = Result<T, Box<dyn std::error::Error + Send + Sync>>;

fn read_repo(
    repo: &gix::Repository,
    root: &Path,
    dir: &str,
    files: &[(&str, &str)],
    logg: &mut Logg,
) -> GitResult<Historik> {
    let Some(workdir) = repo.workdir() else {
        return Ok(Historik::saknas("git-förrådet saknar arbetskatalog"));
    };
    let Ok(head) = repo.head_id() else {
        return Ok(Historik::saknas("git-förrådet har inga incheckningar ännu"));
    };
    let head = head.detach();
    // The content folder as a path inside the repository: the project may be a sub-folder.
    let inside = root.canonicalize()?.strip_prefix(workdir.canonicalize()?)?.join(dir);
    let prefix: Vec<String> = inside.components().map(|c| c.as_os_str().to_string_lossy().into_owned()).collect();
    if logg.prefix != prefix {
        *logg = Logg { prefix: prefix.clone(), ..Logg::default() };
    }

    let wanted: HashMap<String, &str> = files
        .iter()
        .filter_map(|(name, text)| name.strip_prefix(dir).map(|rest| (rest.trim_start_matches('/').to_owned(), *text)))
        .collect();
    let ordning = match &logg.senast {
        Some((h, ordning)) if *h == head => ordning.clone(),
        _ => walk(repo, head, &prefix, logg)?,
    };
    // A commit from the file form is described again, from the repository.
    for id in &ordning {
        if let Some((andring @ None, _)) = logg.commits.get_mut(id).and_then(|c| c.andrade.as_mut()) {
            *andring = Some(describe(repo, *id)?);
        }
    }
    // Each file's versions, newest first: (commit, blob).
    let mut versions: HashMap<&str, Vec<(&Andring, ObjectId)>> = HashMap::new();
    for id in &ordning {
        let Some((Some(andring), filer)) = logg.commits.get(id).and_then(|c| c.andrade.as_ref()) else { continue };
        for (path, blob) in filer {
            if wanted.contains_key(path.as_str()) {
                versions.entry(path.as_str()).or_default().push((andring, *blob));
            }
        }
    }

    let mut beslut = std::mem::take(&mut logg.beslut);
    let mut texter = std::mem::take(&mut logg.texter);
    let mut used = HashMap::new();
    let mut used_texter = HashMap::new();
    let mut filer = HashMap::new();
    for (file, text) in &wanted {
        let v = versions.remove(file.as_str()).unwrap_or_default();
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
        let beslutad = beslutad_version(repo, &v, (&mut beslut, &mut used), (&mut texter, &mut used_texter))?;
        let andringar = v.into_iter().map(|(a, _)| a.clone()).collect();
        filer.insert(format!("{dir}/{file}"), FilHistorik { andringar, ej_incheckad, beslutad });
    }
    // Only the versions of files that still exist are worth keeping.
    logg.beslut = used;
    logg.texter = used_texter;
    logg.senast = Some((head, ordning));
    Ok(Historik { kalla: Kalla::Git { head: head.to_string() }, filer })
}

/// Walks every commit from `head`, newest first, reading only those `logg` does not know.
/// Gives the commits that changed the folder, in the walk's order, and leaves in `logg`
/// only the commits this walk saw, so that it never grows past one history.
fn walk(repo: &gix::Repository, head: ObjectId, prefix: &[String], logg: &mut Logg) -> GitResult<Vec<ObjectId>> {
    let mut known = std::mem::take(&mut logg.commits);
    let mut seen: HashMap<ObjectId, Incheckning> = HashMap::with_capacity(known.len());
    // The folder trees of commits not read yet, asked for as a parent.
    let mut folders: HashMap<ObjectId, Option<ObjectId>> = HashMap::new();
    let mut ordning = Vec::new();
    let mut state = gix::diff::tree::State::default();
    let sorting = gix::revision::walk::Sorting::ByCommitTime(Default::default());
    for info in repo.rev_walk([head]).sorting(sorting).all()? {
        let info = info?;
        let commit = match known.remove(&info.id) {
            Some(c) => c,
            None => {
                let mut folder_of = |id: ObjectId| -> GitResult<Option<ObjectId>> {
                    if let Some(c) = known.get(&id).or_else(|| seen.get(&id)) {
                        return Ok(c.mapp);
                    }
                    if let Some(f) = folders.get(&id) {
                        return Ok(*f);
                    }
                    let f = folder_id(repo, id, prefix)?;
                    folders.insert(id, f);
                    Ok(f)
                };
                let folder = folder_of(info.id)?;
                // In a shallow clone the boundary's parents are missing: the history starts there.
                let parents: Vec<ObjectId> = info.parent_ids.iter().copied().filter(|p| repo.has_object(p)).collect();
                let mut parent_folders = Vec::with_capacity(parents.len());
                for p in &parents {
                    parent_folders.push(folder_of(*p)?);
                }
                let andrade = changes(repo, info.id, folder, &parents, &parent_folders, &mut state)?;
                Incheckning { mapp: folder, andrade }
            }
        };
        if commit.andrade.is_some() {
            ordning.push(info.id);
        }
        seen.insert(info.id, commit);
    }
    logg.commits = seen;
    Ok(ordning)
}

/// The files a commit added or changed in the folder, compared with its first parent.
fn changes(
    repo: &gix::Repository,
    id: ObjectId,
    folder: Option<ObjectId>,
    parents: &[ObjectId],
    parent_folders: &[Option<ObjectId>],
    state: &mut gix::diff::tree::State,
) -> GitResult<Option<Andrade>> {
    // Like `git log -- path`: a merge that takes the folder from one parent changed nothing.
    let first = parent_folders.first().copied().flatten();
    if parent_folders.contains(&folder) || (parents.is_empty() && folder.is_none()) {
        return Ok(None);
    }
    let mut recorder = gix::diff::tree::Recorder::default();
    let (old, new) = (tree_bytes(repo, first)?, tree_bytes(repo, folder)?);
    gix::diff::tree(
        gix::objs::TreeRefIter::from_bytes(&old, repo.object_hash()),
        gix::objs::TreeRefIter::from_bytes(&new, repo.object_hash()),
        state,
        &repo.objects,
        &mut recorder,
    )?;
    let mut filer = Vec::new();
    for change in recorder.records {
        use gix::diff::tree::recorder::Change;
        let (path, oid, mode) = match change {
            Change::Addition { path, oid, entry_mode, .. } | Change::Modification { path, oid, entry_mode, .. } => {
                (path, oid, entry_mode)
            }
            Change::Deletion { .. } => continue,
        };
        let Ok(path) = path.to_str() else { continue };
        if mode.is_blob() {
            filer.push((path.to_owned(), oid));
        }
    }
    if filer.is_empty() {
        return Ok(None);
    }
    Ok(Some((Some(describe(repo, id)?), filer)))
}

/// The id of the assessment folder's tree in `commit`.
fn folder_id(repo: &gix::Repository, commit: ObjectId, prefix: &[String]) -> GitResult<Option<ObjectId>> {
    let tree = repo.find_commit(commit)?.tree()?;
    let entry = tree.lookup_entry(prefix.iter().map(|s| s.as_bytes()))?;
    Ok(entry.filter(|e| e.mode().is_tree()).map(|e| e.object_id()))
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
/// and has a decision: that is when the decision was recorded. Each version's decision is
/// taken from `known` by blob when an earlier read parsed it, and noted in `used`; the
/// decided version's text likewise from `texter`.
type Kept<'a, T> = (&'a mut HashMap<ObjectId, T>, &'a mut HashMap<ObjectId, T>);

fn beslutad_version(
    repo: &gix::Repository,
    versions: &[(&Andring, ObjectId)],
    (known, used): Kept<Option<(String, String)>>,
    texter: Kept<String>,
) -> GitResult<Option<Beslutsversion>> {
    let mut previous = None;
    let mut found = None;
    for (andring, blob) in versions.iter().rev() {
        let beslut = match known.remove(blob).or_else(|| used.get(blob).cloned()) {
            Some(b) => b,
            None => beslut_nyckel(&repo.find_blob(*blob)?.data.to_str_lossy()),
        };
        if beslut.is_some() && beslut != previous {
            found = Some((*andring, *blob));
        }
        used.insert(*blob, beslut.clone());
        previous = beslut;
    }
    let Some((andring, blob)) = found else { return Ok(None) };
    let text = match texter.0.remove(&blob).or_else(|| texter.1.get(&blob).cloned()) {
        Some(text) => text,
        None => repo.find_blob(blob)?.data.to_str_lossy().into_owned(),
    };
    texter.1.insert(blob, text.clone());
    Ok(Some(Beslutsversion { andring: andring.clone(), text }))
}

/// The decision's status and date in a version of the file, if it has both. A version that
/// does not parse has no decision as far as history is concerned.
fn beslut_nyckel(text: &str) -> Option<(String, String)> {
    let table: toml::Table = toml::from_str(text).ok()?;
    let beslut = table.get("beslut")?.as_table()?;
    Some((beslut.get("status")?.to_string(), beslut.get("datum")?.to_string()))
}
