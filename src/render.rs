//! Stage 4: the static intranet site, rendered with Tera into memory.
//!
//! This module turns derived data into view models with Swedish labels; the templates
//! only lay them out. Every value from TOML reaches HTML through Tera's autoescaping,
//! and Markdown only through [`crate::markdown`].

use std::collections::{BTreeMap, HashMap};
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use rayon::prelude::*;
use tera::{Context, Tera};

use crate::Item;
use crate::cache::{Cache, Key, KeyBuilder, PageKeys};
use crate::diagnostic::{Diagnostic, Sources};
use crate::markdown::{self, Glossary, Term};
use crate::view::{self, Site};
use crate::write::OutputFile;

/// Templates ship inside the binary; a project overrides one by placing a file with the
/// same name in its own `templates/` folder.
const TEMPLATES: &[(&str, &str)] = &[
    ("base.html", include_str!("../templates/base.html")),
    ("macros.html", include_str!("../templates/macros.html")),
    ("index.html", include_str!("../templates/index.html")),
    ("register.html", include_str!("../templates/register.html")),
    ("bedomning.html", include_str!("../templates/bedomning.html")),
    ("leverantor.html", include_str!("../templates/leverantor.html")),
    ("leverantorer.html", include_str!("../templates/leverantorer.html")),
    ("atgardstabell.html", include_str!("../templates/atgardstabell.html")),
    ("driftformer.html", include_str!("../templates/driftformer.html")),
    ("begrepp.html", include_str!("../templates/begrepp.html")),
    ("roller.html", include_str!("../templates/roller.html")),
    ("steg.html", include_str!("../templates/steg.html")),
    ("fragor.html", include_str!("../templates/fragor.html")),
    ("sida.html", include_str!("../templates/sida.html")),
    ("sok.html", include_str!("../templates/sok.html")),
    ("tillganglighet.html", include_str!("../templates/tillganglighet.html")),
];

const ASSETS: &[(&str, &str)] = &[
    ("assets/style.css", include_str!("../templates/assets/style.css")),
    ("assets/molnkoll.js", include_str!("../templates/assets/molnkoll.js")),
];

/// Templates that Tera could not parse or render, each placed in its file.
#[derive(Debug, thiserror::Error)]
#[error("mallfel i {}", .0.iter().map(|e| e.name.as_str()).collect::<Vec<_>>().join(", "))]
pub struct RenderError(pub Vec<TemplateError>);

/// One template error: which template, what Tera says, and where when Tera knows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TemplateError {
    /// The name Tera knows the template by, e.g. `bedomning.html`.
    pub name: String,
    pub message: String,
    /// 1-based line and column (in characters), for a parse error.
    pub at: Option<(usize, usize)>,
}

impl From<TemplateError> for RenderError {
    fn from(e: TemplateError) -> Self {
        RenderError(vec![e])
    }
}

/// The error of template `name`: for a parse error Tera's own line, column and
/// expectation, otherwise the whole message, since Tera nests the useful part in its
/// source chain.
fn tera_error(name: &str, e: &tera::Error) -> TemplateError {
    let mut chain = vec![e.to_string()];
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        chain.push(s.to_string());
        source = s.source();
    }
    // A parse error is pest's report: ` --> LINE:COL`, the line, and `= expected …`.
    let parsed = chain.iter().find_map(|text| {
        let at = text.lines().find_map(|l| l.trim_start().strip_prefix("--> "))?;
        let (line, col) = at.split_once(':')?;
        let message = text.lines().rev().find_map(|l| l.trim_start().strip_prefix("= "))?;
        Some((message.to_owned(), (line.trim().parse().ok()?, col.trim().parse().ok()?)))
    });
    match parsed {
        Some((message, at)) => TemplateError { name: name.to_owned(), message, at: Some(at) },
        // The file is named anyway; "Failed to render 'x'" adds nothing to what follows it.
        None => {
            let skip = usize::from(chain.len() > 1 && chain[0].starts_with("Failed to "));
            TemplateError { name: name.to_owned(), message: chain[skip..].join(": "), at: None }
        }
    }
}

/// The site's templates, and a key over their text for the incremental build.
pub struct Templates {
    pub tera: Tera,
    fingerprint: Key,
}

impl Templates {
    /// A hash of every template's name and text.
    pub fn fingerprint(&self) -> Key {
        self.fingerprint
    }
}

/// Reads and parses the templates, the project's own where it has them; from `memo` when
/// the texts are the ones it parsed last.
pub fn templates(root: &Path, memo: Option<&crate::memo::Memo>) -> Result<Arc<Templates>, RenderError> {
    let (list, fingerprint) = template_texts(root);
    let kept = memo.map(crate::memo::Memo::table::<Arc<Templates>>);
    if let Some(kept) = kept.as_ref().and_then(|t| t.get(fingerprint)) {
        return Ok(kept);
    }
    let parsed = Arc::new(parse_templates(list, fingerprint)?);
    if let Some(kept) = kept {
        kept.insert(fingerprint, parsed.clone());
    }
    Ok(parsed)
}

/// Each template's name and text, the project's own where it has one, and their hash.
fn template_texts(root: &Path) -> (Vec<(&'static str, String)>, Key) {
    let mut list = Vec::new();
    let mut key = KeyBuilder::new("templates");
    for (name, builtin) in TEMPLATES {
        let own = root.join("templates").join(name);
        let text = crate::load::read_text_limited(&own).unwrap_or_else(|_| (*builtin).to_owned());
        key.part(name.as_bytes()).part(text.as_bytes());
        list.push((*name, text));
    }
    (list, key.finish())
}

fn parse_templates(list: Vec<(&'static str, String)>, fingerprint: Key) -> Result<Templates, RenderError> {
    let mut tera = Tera::default();
    if let Err(e) = tera.add_raw_templates(list.iter().map(|(name, text)| (*name, text.as_str()))) {
        // Parse each one alone, so that every broken template is reported in one run.
        let broken: Vec<TemplateError> = list
            .iter()
            .filter_map(|(name, text)| Tera::default().add_raw_template(name, text).err().map(|e| (name, e)))
            .filter(|(_, e)| e.to_string().starts_with("Failed to parse"))
            .map(|(name, e)| tera_error(name, &e))
            .collect();
        return Err(RenderError(if broken.is_empty() { vec![tera_error(blamed(&e), &e)] } else { broken }));
    }
    tera.autoescape_on(vec![".html"]);
    Ok(Templates { tera, fingerprint })
}

/// The template an error that is not a parse error is about.
fn blamed(e: &tera::Error) -> &str {
    match &e.kind {
        tera::ErrorKind::MissingParent { current, .. } => current,
        tera::ErrorKind::CircularExtend { tpl, .. } => tpl,
        _ => "base.html",
    }
}

impl RenderError {
    /// The errors as diagnostics, each in its template as the project has it, the same
    /// way a Typst template's errors are shown.
    pub fn diagnostics(&self, root: &Path, sources: &mut Sources) -> Vec<Diagnostic> {
        self.0
            .iter()
            .map(|e| {
                let own = Path::new("templates").join(&e.name);
                let (shown, text) = match std::fs::read_to_string(root.join(&own)) {
                    Ok(text) => (format!("templates/{}", e.name), text),
                    Err(_) => {
                        let builtin = TEMPLATES.iter().find(|(n, _)| *n == e.name).map_or("", |(_, t)| *t);
                        (format!("templates/{} (inbyggd)", e.name), builtin.to_owned())
                    }
                };
                let span = e.at.map(|(line, col)| {
                    let start = offset(&text, line, col);
                    let end = text[start..].chars().next().map_or(start, |c| start + c.len_utf8());
                    start..end
                });
                let file = sources.add(shown, text);
                let label = if span.is_some() { "här" } else { "i den här mallen" };
                Diagnostic::error("tera-template", file, e.message.clone()).at(span, label)
            })
            .collect()
    }
}

/// The byte offset of a 1-based line and character column, clamped to the text.
fn offset(text: &str, line: usize, col: usize) -> usize {
    let start: usize = text.split_inclusive('\n').take(line.saturating_sub(1)).map(str::len).sum();
    let rest = &text[start.min(text.len())..];
    start + rest.char_indices().nth(col.saturating_sub(1)).map_or(rest.len(), |(i, _)| i)
}

struct Renderer<'a> {
    tera: &'a Tera,
    site: &'a Site<'a>,
    cache: &'a Cache,
    keys: &'a PageKeys,
    reused: AtomicUsize,
    terms: Vec<Term>,
    /// Supplier name → folder; two names that fold to one slug get `-2`, `-3`, …
    supplier_slugs: BTreeMap<String, String>,
    out: Vec<OutputFile>,
    search: Vec<view::SokPost>,
}

/// The site's files, and how many pages were taken unchanged from the cache.
pub struct Html {
    pub files: Vec<OutputFile>,
    pub reused: usize,
}

/// Renders every page. A page whose key (see [`crate::cache`]) `cache` holds is not
/// rendered again; `keys` makes each page's key.
pub fn render_site(site: &Site, templates: &Templates, cache: &Cache, keys: &PageKeys) -> Result<Html, RenderError> {
    let terms = site
        .policy
        .begrepp
        .iter()
        .map(|b| Term {
            id: b.id.clone(),
            spellings: std::iter::once(b.term.clone()).chain(b.synonymer.iter().cloned()).collect(),
        })
        .collect();
    // Supplier name → folder, in name order.
    let names: std::collections::BTreeSet<&str> =
        site.items.iter().filter_map(|i| i.bedomning.leverantor.as_ref()).map(|l| l.namn.as_str()).collect();
    let slugs = crate::slug::unika(names.iter().copied(), "leverantor");
    let supplier_slugs: BTreeMap<String, String> = names.into_iter().map(str::to_owned).zip(slugs).collect();
    let mut r = Renderer {
        tera: &templates.tera,
        site,
        cache,
        keys,
        reused: AtomicUsize::new(0),
        terms,
        supplier_slugs,
        out: Vec::new(),
        search: Vec::new(),
    };
    r.render_all()?;
    for (path, text) in ASSETS {
        r.out.push(OutputFile::new(*path, text.as_bytes().to_vec()));
    }
    r.out.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(Html { files: r.out, reused: r.reused.into_inner() })
}

/// `../` once per folder level, so every link works from a sub-path and from file://.
fn root_prefix(path: &str) -> String {
    "../".repeat(path.matches('/').count())
}

impl Renderer<'_> {
    fn page(&mut self, path: &str, template: &str, title: &str, nav: &str, ctx: Context) -> Result<(), RenderError> {
        let file = self.make_page(path, template, title, nav, ctx)?;
        self.out.push(file);
        Ok(())
    }

    /// What every page's context holds besides its own.
    fn frame(&self, path: &str, title: &str, nav: &str, ctx: &mut Context) {
        let policy = self.site.policy;
        ctx.insert("root", &root_prefix(path));
        ctx.insert("title", title);
        ctx.insert("nav", nav);
        ctx.insert("organisation", &policy.organisation);
        ctx.insert("oppen", &self.site.profil.oppen());
        ctx.insert("sidor", &view::sidlankar(self.site.sidor));
    }

    /// One page, from the cache when its template and context are what they were.
    fn make_page(
        &self,
        path: &str,
        template: &str,
        title: &str,
        nav: &str,
        mut ctx: Context,
    ) -> Result<OutputFile, RenderError> {
        self.frame(path, title, nav, &mut ctx);
        // The context is the page's whole input; serialising it costs a fraction of rendering.
        let value = ctx.into_json();
        let json = serde_json::to_vec(&value).expect("a page context serialises");
        let key = self.keys.page(path, template, &json);
        self.keyed_page(path, template, key, || Context::from_value(value).expect("a context is an object"))
    }

    /// The page with `key` from the cache, or rendered from the context `ctx` makes.
    fn keyed_page(
        &self,
        path: &str,
        template: &str,
        key: Key,
        ctx: impl FnOnce() -> Context,
    ) -> Result<OutputFile, RenderError> {
        if let Some((bytes, hash)) = self.cache.get(path, key) {
            self.reused.fetch_add(1, Ordering::Relaxed);
            return Ok(OutputFile::reused(path, bytes, key, hash));
        }
        let html = self.tera.render(template, &ctx()).map_err(|e| tera_error(template, &e))?;
        Ok(OutputFile::keyed(path, html.into_bytes(), key))
    }

    /// A page that lists many assessments' rows, keyed by the rows' JSON, each serialised
    /// once for all the lists it is in (`rows`, by slug), instead of by its whole context:
    /// the register's 20-odd pages hold each row several times over. `ctx` is the context
    /// without the rows, and `with_rows` adds them, only when the page is made.
    #[allow(clippy::too_many_arguments)]
    fn list_page(
        &self,
        path: &str,
        template: &str,
        title: &str,
        nav: &str,
        mut ctx: Context,
        rows: &[&[u8]],
        with_rows: impl FnOnce(&mut Context),
    ) -> Result<OutputFile, RenderError> {
        self.frame(path, title, nav, &mut ctx);
        let frame = serde_json::to_vec(&ctx.clone().into_json()).expect("a page context serialises");
        let key = self.keys.list_page(path, template, &frame, rows);
        self.keyed_page(path, template, key, || {
            with_rows(&mut ctx);
            ctx
        })
    }

    /// A page made from one assessment. The previous build recorded the key of what the
    /// page was made from (see [`OutputFile::input`]), so an unchanged page is found
    /// without making its context.
    fn item_page(
        &self,
        item: &Item,
        path: &str,
        template: &str,
        title: &str,
        nav: &str,
        ctx: impl FnOnce() -> Context,
    ) -> Result<OutputFile, RenderError> {
        let supplier = self.item_supplier_slug(item).unwrap_or_default();
        let input = self.keys.item_page(item.key, &[path, template, title, nav, &supplier]);
        if let Some((key, bytes, hash)) = self.cache.find(path, input) {
            self.reused.fetch_add(1, Ordering::Relaxed);
            return Ok(OutputFile::reused(path, bytes, key, hash).with_input(input));
        }
        Ok(self.make_page(path, template, title, nav, ctx())?.with_input(input))
    }

    fn render_all(&mut self) -> Result<(), RenderError> {
        let policy = self.site.policy;
        let items = self.site.items;
        let rows: Vec<view::RegisterRad<'_>> = items.par_iter().map(|i| self.register_row(i)).collect();
        let organisationer = view::organisationer(policy, items);

        // Start page: what needs doing first, then the counts.
        let mut ctx = Context::new();
        ctx.insert("stats", &view::statistik(policy, items, &organisationer));
        ctx.insert("attention", &view::uppmarksamhet(policy, items));
        self.page("index.html", "index.html", "Molntjänstbedömningar", "start", ctx)?;

        // Register: one pre-rendered view per filter and sort order, so it works without JavaScript.
        let links = view::register_lankar(policy, &organisationer);
        let json: HashMap<&str, Vec<u8>> =
            rows.par_iter().map(|r| (r.slug, serde_json::to_vec(r).expect("a register row serialises"))).collect();
        let register: Vec<_> = view::register_sidor(policy, &links, &organisationer, &rows)
            .into_par_iter()
            .map(|sida| {
                let mut ctx = Context::new();
                ctx.insert("views", sida.views);
                ctx.insert("current", &sida.current);
                ctx.insert("heading", &sida.heading);
                let own: Vec<&[u8]> = sida.rows.iter().map(|r| json[r.slug].as_slice()).collect();
                self.list_page(&sida.current, "register.html", &sida.heading, "register", ctx, &own, |ctx| {
                    ctx.insert("rows", &sida.rows)
                })
            })
            .collect::<Result<_, _>>()?;
        self.out.extend(register);

        // One page per assessment, the bulk of the site: in parallel, each view made just
        // before its page, since all of them at once are large.
        let pages: Vec<_> = self
            .site
            .items
            .par_iter()
            .map(|item| {
                let path = format!("bedomningar/{}/index.html", item.slug);
                self.item_page(item, &path, "bedomning.html", &item.bedomning.tjanst.namn, "register", || {
                    let mut ctx = Context::new();
                    ctx.insert("b", &self.bedomning_view(item, "../../"));
                    ctx
                })
            })
            .collect::<Result<_, _>>()?;
        self.out.extend(pages);
        self.search.extend(self.site.items.iter().map(|i| view::sok_bedomning(i)));

        // Suppliers.
        let mut supplier_list = Vec::new();
        for l in view::leverantorer(self.site.items) {
            let slug = self.supplier_slug(l.namn);
            let mut ctx = Context::new();
            ctx.insert("namn", l.namn);
            ctx.insert("land", l.land);
            ctx.insert("certifikat", &view::leverantor_certifikat(policy, &l, self.site.today));
            let path = format!("leverantorer/{slug}/index.html");
            let own: Vec<&[u8]> = l.items.iter().map(|i| json[i.slug.as_str()].as_slice()).collect();
            let page = self.list_page(&path, "leverantor.html", l.namn, "leverantorer", ctx, &own, |ctx| {
                ctx.insert("rows", &l.items.iter().map(|i| self.register_row(i)).collect::<Vec<_>>())
            })?;
            self.out.push(page);
            self.search.push(view::sok_leverantor(&l, &path));
            supplier_list.push(view::leverantor_rad(&l, &slug));
        }
        let mut ctx = Context::new();
        ctx.insert("leverantorer", &supplier_list);
        self.page("leverantorer/index.html", "leverantorer.html", "Leverantörer", "leverantorer", ctx)?;

        // Pages generated from the policy source.
        let mut ctx = Context::new();
        ctx.insert("policy", policy);
        ctx.insert("table", &view::atgardstabell(policy));
        self.page("atgardstabell.html", "atgardstabell.html", "Åtgärdstabell", "atgardstabell", ctx)?;

        let mut ctx = Context::new();
        ctx.insert("policy", policy);
        ctx.insert("driftformer", &policy.driftformer.iter().map(view::DriftformVy::from).collect::<Vec<_>>());
        self.page("driftformer.html", "driftformer.html", "Driftformer", "driftformer", ctx)?;

        let mut ctx = Context::new();
        ctx.insert("policy", policy);
        self.page("begrepp.html", "begrepp.html", "Begreppsförklaring", "begrepp", ctx)?;

        let utlosare = view::utlosare(policy);
        let mut ctx = Context::new();
        ctx.insert("policy", policy);
        ctx.insert("utlosare", &utlosare);
        self.page("roller.html", "roller.html", "Roller och ansvar", "roller", ctx)?;

        let mut ctx = Context::new();
        ctx.insert("policy", policy);
        ctx.insert("utlosare", &utlosare);
        self.page("steg.html", "steg.html", "Rutinens fyra steg", "steg", ctx)?;

        let mut ctx = Context::new();
        ctx.insert("policy", policy);
        self.page("fragor.html", "fragor.html", "Frågor och checklista", "fragor", ctx)?;
        self.search.extend(view::sok_policy(policy));

        // Content pages.
        for sida in self.site.sidor {
            let mut ctx = Context::new();
            ctx.insert("sida", &sida.meta);
            ctx.insert("galler_fran", &sida.meta.galler_fran.map(|d| d.to_string()));
            ctx.insert("html", &markdown::render_page(&sida.markdown));
            let path = format!("sidor/{}.html", sida.slug);
            self.page(&path, "sida.html", &sida.meta.titel, &format!("sida-{}", sida.slug), ctx)?;
            self.search.push(view::sok_sida(sida));
        }

        let mut ctx = Context::new();
        ctx.insert("policy", policy);
        self.page("tillganglighet.html", "tillganglighet.html", "Tillgänglighetsredogörelse", "tillganglighet", ctx)?;

        // Search: the index is a script that sets a global, so it loads from file:// too.
        self.search.sort_by(|a, b| a.u.cmp(&b.u));
        let json = serde_json::to_string(&self.search).expect("search index serialises").replace('<', "\\u003c");
        self.out
            .push(OutputFile::new("assets/sokindex.js", format!("window.MOLNKOLL_SOKINDEX = {json};\n").into_bytes()));
        self.page("sok.html", "sok.html", "Sök", "sok", Context::new())?;
        Ok(())
    }

    fn supplier_slug(&self, name: &str) -> String {
        self.supplier_slugs.get(name).cloned().unwrap_or_else(|| slugify(name))
    }

    fn register_row<'i>(&self, item: &'i Item) -> view::RegisterRad<'i> {
        view::register_rad(self.site.policy, item, self.item_supplier_slug(item))
    }

    /// The supplier page's folder; `None` while a procurement has no supplier.
    fn item_supplier_slug(&self, item: &Item) -> Option<String> {
        item.bedomning.leverantor.as_ref().map(|l| self.supplier_slug(&l.namn))
    }

    fn bedomning_view<'i>(&'i self, item: &'i Item, prefix: &str) -> view::BedomningVy<'i> {
        let glossary = Glossary { terms: &self.terms, prefix };
        let md = |s: &str| markdown::render(s, Some(&glossary));
        view::bedomning(self.site, item, &md, self.item_supplier_slug(item))
    }
}

/// A folder name from a supplier's name; one that gives no slug gets a neutral one.
pub fn slugify(name: &str) -> String {
    crate::slug::slugify(name).unwrap_or_else(|| "leverantor".to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_stay_inside_the_output_folder() {
        assert_eq!(slugify("Microsoft Ireland Operations Ltd"), "microsoft-ireland-operations-ltd");
        assert_eq!(slugify("Åkessons Städ & Data AB"), "akessons-stad-data-ab");
        assert_eq!(slugify("../../etc/passwd"), "etc-passwd");
        assert_eq!(slugify("///"), "leverantor");
    }

    #[test]
    fn root_prefix_counts_folders() {
        assert_eq!(root_prefix("index.html"), "");
        assert_eq!(root_prefix("bedomningar/x/index.html"), "../../");
    }
}
