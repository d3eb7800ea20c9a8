//! A commit of one file, as `git commit <file>` would make it, through gix: people who
//! edit in the form never need the git program, and the history and "changed since the
//! decision" keep working for them.

use std::path::Path;

use gix::bstr::{BStr, ByteSlice};

/// Who commits when the repository's configuration names nobody (`user.name`,
/// `user.email`, or the `GIT_AUTHOR_*`/`GIT_COMMITTER_*` variables).
const FALLBACK_NAME: &str = "molnkoll serve";
const FALLBACK_EMAIL: &str = "molnkoll-serve@localhost";

/// Commits `rel` (relative to `root`) as it is on disk, with `message`, on the current
/// branch, and updates the index so that `git status` shows the file unchanged. Content
/// outside a repository is not an error: there is nothing to commit to.
pub(super) fn commit(root: &Path, rel: &str, message: &str) -> Result<(), String> {
    let Ok(mut repo) = gix::discover(root) else { return Ok(()) };
    let e = |e: &dyn std::fmt::Display| e.to_string();
    let workdir = repo.workdir().ok_or("förrådet har ingen arbetskatalog")?.to_owned();
    let abs = std::fs::canonicalize(root.join(rel)).map_err(|x| e(&x))?;
    let in_repo = abs.strip_prefix(std::fs::canonicalize(&workdir).map_err(|x| e(&x))?).map_err(|x| e(&x))?;
    let in_repo: String =
        in_repo.components().map(|c| c.as_os_str().to_string_lossy().into_owned()).collect::<Vec<_>>().join("/");
    let bytes = std::fs::read(&abs).map_err(|x| e(&x))?;

    repo.committer_or_set_fallback(FALLBACK_NAME, FALLBACK_EMAIL).map_err(|x| e(&x))?;
    let blob = repo.write_blob(&bytes).map_err(|x| e(&x))?.detach();
    let parent = repo.head_commit().ok().map(|c| c.id);
    let base = repo.head_tree_id_or_empty().map_err(|x| e(&x))?.detach();
    let mut editor = repo.edit_tree(base).map_err(|x| e(&x))?;
    editor.upsert(in_repo.as_str(), gix::object::tree::EntryKind::Blob, blob).map_err(|x| e(&x))?;
    let tree = editor.write().map_err(|x| e(&x))?.detach();
    let committer = repo.committer().ok_or("ingen incheckare")?.map_err(|x| e(&x))?;
    let author = match repo.author() {
        Some(Ok(a)) => a,
        _ => committer,
    };
    let message = if message.ends_with('\n') { message.to_owned() } else { format!("{message}\n") };
    repo.commit_as(committer, author, "HEAD", message, tree, parent).map_err(|x| e(&x))?;

    // The index: the file's entry now names the committed blob, with the file's stat, so
    // that git sees the file as unchanged without reading it again.
    // A repository without an index yet (nothing ever staged) gets none from us either.
    let Ok(mut index) = repo.open_index() else { return Ok(()) };
    let path: &BStr = in_repo.as_bytes().as_bstr();
    let stat = gix::index::fs::Metadata::from_path_no_follow(&abs)
        .ok()
        .and_then(|m| gix::index::entry::Stat::from_fs(&m).ok())
        .unwrap_or_default();
    match index.entry_mut_by_path_and_stage(path, gix::index::entry::Stage::Unconflicted) {
        Some(entry) => {
            entry.id = blob;
            entry.stat = stat;
        }
        None => {
            index.dangerously_push_entry(
                stat,
                blob,
                gix::index::entry::Flags::empty(),
                gix::index::entry::Mode::FILE,
                path,
            );
            index.sort_entries();
        }
    }
    index.write(Default::default()).map_err(|x| e(&x))?;
    Ok(())
}
