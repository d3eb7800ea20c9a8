//! The git reader behind [`read`](super::read), with gix.
//!
//! Reading the history walks every commit, and comparing a commit's assessment folder
//! with its parent's costs tree look-ups: a third of a millisecond a commit. A commit
//! never changes, so what it did to the folder is kept in a [`Minne`] by its id, and a
//! later read with the same HEAD reuses the whole walk. A rebase or an amend makes new
//! commits with new ids: they are read afresh, and what the old ones did is never used
//! again, so the history from the memory is the history read fresh.
//!
//! Finding the decided version means reading old versions of a file from the pack, which
//! undoes their deltas and costs far more than the walk. Which version was decided is
//! kept by a key of the file's versions, and a file is read again only when that changes.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;
use std::sync::{Arc, Mutex};

use rayon::prelude::*;

use gix::bstr::ByteSlice;
use gix::hash::ObjectId;
use serde::{Deserialize, Serialize};

use super::{Andring, Beslutsversion, FilHistorik, Historik, Kalla};
use crate::keys::{self, Key};
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
    /// Which version of each file recorded its decision, by file: the same as long as the
    /// file's versions are (their key, [`keys::versioner`]).
    beslutade: HashMap<String, Beslutad>,
    /// The last HEAD, and the commits that changed the folder, in the order of the walk.
    senast: Option<(ObjectId, Vec<ObjectId>)>,
}

/// The history's memory, shared by the reads of one process (`serve`) or kept in a file
/// beside the output's manifest for the next `build`.
#[derive(Debug, Clone, Default)]
pub struct Minne(Arc<Mutex<Logg>>);

/// The memory's file form: hex ids, sorted, so the same history gives the same bytes.
/// It lies in the published output folder, so it holds object ids, file names and which
/// version of each file was decided, as the pages show: no author, no message, no text
/// and no decision's content, which may be secret or hidden (`[publicering] forfattare`).
/// Those are read from the repository again.
#[derive(Serialize, Deserialize)]
struct Fil {
    version: String,
    prefix: Vec<String>,
    head: String,
    ordning: Vec<String>,
    commits: BTreeMap<String, FilIncheckning>,
    /// Which version recorded each file's decision, by the key of its versions in hex. The
    /// pages show the same (the decided version's commit).
    #[serde(default)]
    beslutade: BTreeMap<String, (String, Option<usize>)>,
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
            beslutade: fil
                .beslutade
                .into_iter()
                .map(|(f, (key, i))| Some((f, Beslutad { versioner: Key::from_str_radix(&key, 16).ok()?, index: i })))
                .collect::<Option<_>>()?,
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
            beslutade: logg
                .beslutade
                .iter()
                .map(|(f, b)| (f.clone(), (format!("{:032x}", b.versioner), b.index)))
                .collect(),
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

    // A version's blob, undeltified from the pack, is most of the cost. The files go in
    // name order, one contiguous share per thread, each with one handle: the pack's cache
    // of undeltified objects then serves the next file, whose version is often a delta of
    // the one just read (a repository written by `git fast-import` chains them so).
    let mut wanted: Vec<(&String, &&str)> = wanted.iter().collect();
    wanted.sort_unstable_by_key(|(file, _)| *file);
    let share = wanted.len().div_ceil(rayon::current_num_threads()).max(1);
    let kanda = Kanda {
        beslut: std::mem::take(&mut logg.beslut),
        texter: std::mem::take(&mut logg.texter),
        beslutade: std::mem::take(&mut logg.beslutade),
    };
    let sync = repo.clone().into_sync();
    let read_one = |repo: &gix::Repository, file: &str, text: &str| -> GitResult<(String, FilHistorik, Kanda)> {
        let v = versions.get(file).map(Vec::as_slice).unwrap_or_default();
        let nu = Nu::of(repo, text)?;
        let ej_incheckad = v.first().is_none_or(|(_, blob)| nu.text(blob).is_none());
        let mut kept = Kanda::default();
        let beslutad = beslutad_version(repo, file, v, &nu, &kanda, &mut kept)?;
        let andringar = v.iter().map(|(a, _)| (*a).clone()).collect();
        Ok((format!("{dir}/{file}"), FilHistorik { andringar, ej_incheckad, beslutad }, kept))
    };
    let read: Vec<GitResult<(String, FilHistorik, Kanda)>> = wanted
        .par_chunks(share)
        .flat_map_iter(|part| {
            let repo = sync.to_thread_local();
            part.iter().map(|(file, text)| read_one(&repo, file, text)).collect::<Vec<_>>()
        })
        .collect();
    // Only the versions of files that still exist are worth keeping.
    let mut filer = HashMap::with_capacity(read.len());
    for r in read {
        let (name, fil, kept) = r?;
        logg.beslut.extend(kept.beslut);
        logg.texter.extend(kept.texter);
        logg.beslutade.extend(kept.beslutade);
        filer.insert(name, fil);
    }
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

/// What one read knows of versions by blob: each one's decision, and the text of each
/// decided one (see [`Logg`]).
#[derive(Default)]
struct Kanda {
    beslut: HashMap<ObjectId, Option<(String, String)>>,
    texter: HashMap<ObjectId, String>,
    beslutade: HashMap<String, Beslutad>,
}

/// Which of a file's versions, newest first, recorded its decision, and the key of
/// those versions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Beslutad {
    versioner: Key,
    index: Option<usize>,
}

/// The file as it is on disk, and the blob ids its text has in git.
struct Nu<'a> {
    text: &'a str,
    blob: ObjectId,
    /// A checkout with `core.autocrlf=true` has CRLF where the commit has LF.
    lf: Option<(ObjectId, String)>,
}

impl<'a> Nu<'a> {
    fn of(repo: &gix::Repository, text: &'a str) -> GitResult<Nu<'a>> {
        let hash = |t: &str| gix::objs::compute_hash(repo.object_hash(), gix::objs::Kind::Blob, t.as_bytes());
        let lf = match text.contains("\r\n") {
            true => {
                let lf = text.replace("\r\n", "\n");
                Some((hash(&lf)?, lf))
            }
            false => None,
        };
        Ok(Nu { text, blob: hash(text)?, lf })
    }

    /// The text of `blob` when it is the file now, which spares reading it from the pack.
    fn text(&self, blob: &ObjectId) -> Option<&str> {
        match &self.lf {
            _ if *blob == self.blob => Some(self.text),
            Some((id, lf)) if id == blob => Some(lf),
            _ => None,
        }
    }
}

/// The newest version whose decision status or date differs from the version before it,
/// and has a decision: that is when the decision was recorded. The versions are read
/// newest first and only until it is found. A version's decision and the decided text
/// come from the file now, from what an earlier read kept in `known`, or from the
/// repository; what this read used is noted in `kept`.
fn beslutad_version(
    repo: &gix::Repository,
    file: &str,
    versions: &[(&Andring, ObjectId)],
    nu: &Nu,
    known: &Kanda,
    kept: &mut Kanda,
) -> GitResult<Option<Beslutsversion>> {
    let mut keys: Vec<Option<Option<(String, String)>>> = vec![None; versions.len()];
    let mut beslut_of = |i: usize| -> GitResult<Option<(String, String)>> {
        let Some((_, blob)) = versions.get(i) else { return Ok(None) };
        if let Some(b) = &keys[i] {
            return Ok(b.clone());
        }
        let beslut = match (known.beslut.get(blob), nu.text(blob)) {
            (Some(b), _) => b.clone(),
            (None, Some(text)) => beslut_nyckel(text),
            (None, None) => beslut_nyckel(&repo.find_blob(*blob)?.data.to_str_lossy()),
        };
        kept.beslut.insert(*blob, beslut.clone());
        keys[i] = Some(beslut.clone());
        Ok(beslut)
    };
    let key = keys::versioner(versions.iter().map(|(a, blob)| (a.commit.as_str(), blob.as_bytes())));
    let index = match known.beslutade.get(file) {
        Some(b) if b.versioner == key => b.index,
        _ => beslutad_index(versions.len(), &mut beslut_of)?,
    };
    kept.beslutade.insert(file.to_owned(), Beslutad { versioner: key, index });
    let found = index.and_then(|i| versions.get(i)).copied();
    let Some((andring, blob)) = found else { return Ok(None) };
    let text = match (nu.text(&blob), known.texter.get(&blob)) {
        (Some(text), _) => text.to_owned(),
        (None, known) => {
            let text = match known {
                Some(text) => text.clone(),
                None => repo.find_blob(blob)?.data.to_str_lossy().into_owned(),
            };
            kept.texter.insert(blob, text.clone());
            text
        }
    };
    Ok(Some(Beslutsversion { andring: andring.clone(), text }))
}

/// Which of `n` versions, newest first, recorded the decision: the newest whose decision is
/// set and differs from the version before it (the oldest's from none). `beslut` gives a
/// version's decision, and is asked only until the answer is known.
fn beslutad_index<K: PartialEq, E>(
    n: usize,
    beslut: &mut impl FnMut(usize) -> Result<Option<K>, E>,
) -> Result<Option<usize>, E> {
    for i in 0..n {
        let b = beslut(i)?;
        if b.is_some() && b != if i + 1 < n { beslut(i + 1)? } else { None } {
            return Ok(Some(i));
        }
    }
    Ok(None)
}

/// The decision's status and date in a version of the file, if it has both. A version that
/// does not parse has no decision as far as history is concerned.
fn beslut_nyckel(text: &str) -> Option<(String, String)> {
    let table: toml::Table = toml::from_str(text).ok()?;
    let beslut = table.get("beslut")?.as_table()?;
    Some((beslut.get("status")?.to_string(), beslut.get("datum")?.to_string()))
}

#[cfg(test)]
mod tests {
    use super::beslutad_index;

    /// The definition read oldest first, as `git log --reverse` would.
    fn oldest_first(keys: &[Option<u8>]) -> Option<usize> {
        let mut previous = None;
        let mut found = None;
        for (i, k) in keys.iter().enumerate().rev() {
            if k.is_some() && *k != previous {
                found = Some(i);
            }
            previous = *k;
        }
        found
    }

    #[test]
    fn the_decided_version_read_newest_first_and_stopping_early_is_the_one_read_oldest_first() {
        // Every history of up to six versions over "no decision" and two decisions.
        for n in 0..=6u32 {
            for code in 0..3usize.pow(n) {
                let keys: Vec<Option<u8>> =
                    (0..n).map(|i| [None, Some(1), Some(2)][code / 3usize.pow(i) % 3]).collect();
                let mut asked = Vec::new();
                let found = beslutad_index(keys.len(), &mut |i| {
                    asked.push(i);
                    Ok::<_, ()>(keys[i])
                });
                assert_eq!(found, Ok(oldest_first(&keys)), "{keys:?}");
                // Nothing older than the version after the decided one is read.
                let last = found.unwrap().map_or(keys.len(), |i| (i + 2).min(keys.len()));
                assert!(asked.iter().all(|&i| i < last), "{keys:?} asked {asked:?}");
            }
        }
    }
}
