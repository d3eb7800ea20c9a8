//! The edit form of `molnkoll serve`, through the real binary over HTTP: a save is a small
//! diff with every comment kept and a commit; invalid values are shown at their field and
//! write nothing; a file changed behind the form's back is not overwritten; and requests
//! from another origin, without the token or for another host are refused.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::common::{Edit, TODAY, git, project};

const ARCGIS: &str = include_str!("../../content/bedomningar/arcgis-enterprise-gis.toml");
const FILE: &str = "content/bedomningar/arcgis-enterprise-gis.toml";
const FORM: &str = "/_molnkoll/redigera/arcgis-enterprise-gis";

struct Server {
    child: Child,
    port: u16,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start(root: &Path) -> Server {
    let mut child = Command::new(env!("CARGO_BIN_EXE_molnkoll"))
        .args(["serve", "--port", "0", "--today", TODAY])
        .current_dir(root)
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
    let port = loop {
        let line = lines.next().expect("serve prints its address").unwrap();
        if let Some(rest) = line.strip_prefix("molnkoll serve: http://127.0.0.1:") {
            break rest.split('/').next().unwrap().parse().unwrap();
        }
    };
    std::thread::spawn(move || lines.for_each(drop));
    Server { child, port }
}

/// A raw HTTP/1.1 request; `headers` are added as written.
fn request(port: u16, method: &str, path: &str, headers: &[&str], body: &str) -> (u16, String) {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
    let mut head = format!("{method} {path} HTTP/1.1\r\nConnection: close\r\nContent-Length: {}\r\n", body.len());
    if !headers.iter().any(|h| h.to_ascii_lowercase().starts_with("host:")) {
        head.push_str(&format!("Host: 127.0.0.1:{port}\r\n"));
    }
    for h in headers {
        head.push_str(h);
        head.push_str("\r\n");
    }
    if method == "POST" {
        head.push_str("Content-Type: application/x-www-form-urlencoded\r\n");
    }
    // A refused body may be cut off before it is all sent: the answer still counts.
    let _ = write!(stream, "{head}\r\n{body}");
    let mut bytes = Vec::new();
    let _ = stream.read_to_end(&mut bytes);
    let response = String::from_utf8_lossy(&bytes).into_owned();
    let status = response.split(' ').nth(1).unwrap().parse().unwrap();
    (status, response)
}

fn enc(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-_.".contains(&b) { (b as char).to_string() } else { format!("%{b:02X}") }
        })
        .collect()
}

fn body(fields: &[(&str, &str)]) -> String {
    fields.iter().map(|(k, v)| format!("{}={}", enc(k), enc(v))).collect::<Vec<_>>().join("&")
}

/// The token and the file's hash from the form page.
fn secrets(page: &str) -> (String, String) {
    let after = |needle: &str| {
        let i = page.find(needle).unwrap_or_else(|| panic!("{needle} in {page}")) + needle.len();
        page[i..].split('"').next().unwrap().to_owned()
    };
    (after("name=\"token\" value=\""), after("name=\"hash\" value=\""))
}

fn origin(port: u16) -> String {
    format!("Origin: http://127.0.0.1:{port}")
}

/// The form's edit: a level up from 2 to 3, and a certificate added.
fn edit<'a>(token: &'a str, hash: &'a str, level: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("token", token),
        ("hash", hash),
        ("rader.informationsmangd", "2"),
        ("informationsmangd[1].klassning.R", level),
        ("rader.certifikat", "1"),
        ("certifikat[1].standard", "iso27001"),
        ("certifikat[1].utfardare", "DNV"),
        ("certifikat[1].giltigt_till", "2027-06-30"),
        ("certifikat[1].omfattar_tjansten", "false"),
        ("certifikat[1].omfattar_tjansten", "true"),
        ("certifikat[1].bevis", "SML-2026-0297:4"),
        ("meddelande", "Riktigheten klassas 3; ISO 27001-certifikatet lagt till"),
        ("gor", "spara"),
    ]
}

fn wait_for(port: u16, path: &str, done: impl Fn(&str) -> bool) -> String {
    let start = Instant::now();
    loop {
        let (_, page) = request(port, "GET", path, &[], "");
        if done(&page) || start.elapsed() > Duration::from_secs(15) {
            return page;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[test]
fn a_saved_edit_is_a_small_diff_with_comments_kept_a_valid_record_and_a_commit() {
    let p = project(&[("arcgis-enterprise-gis.toml", ARCGIS)]);
    let root = p.path();
    git(root, "x", "2026-01-15", &["init", "-q", "-b", "main"]);
    git(root, "x", "2026-01-15", &["add", "-A"]);
    git(root, "x", "2026-01-15", &["commit", "-q", "-m", "start"]);
    let server = start(root);
    let port = server.port;

    let page = wait_for(port, "/bedomningar/arcgis-enterprise-gis/", |p| p.contains("Redigera bedömningen"));
    assert!(page.contains(&format!("href=\"{FORM}\"")), "{page}");
    let (status, form) = request(port, "GET", FORM, &[], "");
    assert_eq!(status, 200, "{form}");
    assert!(form.contains("<legend>Informationsmängd 1</legend>"), "{form}");
    let (token, hash) = secrets(&form);

    let (status, response) = request(port, "POST", FORM, &[&origin(port)], &body(&edit(&token, &hash, "3")));
    assert_eq!(status, 303, "{response}");

    let after = std::fs::read_to_string(root.join(FILE)).unwrap();
    let expected = ARCGIS.edit("klassning = { K = 0, R = 2, T = 2 }", "klassning = { K = 0, R = 3, T = 2 }")
        + "\n[[certifikat]]\nstandard = \"iso27001\"\nutfardare = \"DNV\"\ngiltigt_till = 2027-06-30\n\
           omfattar_tjansten = true\nbevis = \"SML-2026-0297:4\"\n";
    assert_eq!(after, expected);
    for comment in ARCGIS.lines().filter(|l| l.starts_with('#')) {
        assert!(after.contains(comment), "{comment}");
    }

    p.check(&[]).ok();
    let page = wait_for(port, "/bedomningar/arcgis-enterprise-gis/", |p| p.contains("DNV"));
    let level = page.split("<p class=\"level\">").nth(1).expect("the governing level").split("</p>").next().unwrap();
    assert!(level.starts_with("Styrande nivå: <strong>3"), "{level}");

    let log = git(root, "x", TODAY, &["log", "-1", "--format=%s"]);
    assert_eq!(log, "Riktigheten klassas 3; ISO 27001-certifikatet lagt till");
    let status = git(root, "x", TODAY, &["status", "--porcelain"]);
    assert_eq!(status, "", "the saved file is committed and the index agrees");
    let shown = git(root, "x", TODAY, &["show", &format!("HEAD:{FILE}")]);
    assert_eq!(shown.trim_end(), expected.trim_end());
}

#[test]
fn invalid_values_are_shown_at_their_field_and_write_nothing() {
    let p = project(&[("arcgis-enterprise-gis.toml", ARCGIS)]);
    let server = start(p.path());
    let port = server.port;
    let (_, form) = request(port, "GET", FORM, &[], "");
    let (token, hash) = secrets(&form);

    // A level the policy does not have: the error is in the list its select points to.
    let (status, page) = request(port, "POST", FORM, &[&origin(port)], &body(&edit(&token, &hash, "7")));
    assert_eq!(status, 422, "{page}");
    assert!(page.contains("Inget sparades"), "{page}");
    let field = field_html(&page, "f-informationsmangd-1--klassning-R");
    assert!(field.contains("aria-describedby=\"f-informationsmangd-1--klassning-R-fel\""), "{field}");
    assert!(field.contains("aria-invalid=\"true\""), "{field}");
    assert!(
        field.contains("unknown-level") && field.contains(&format!("{}:32:26", FILE.replace('/', "&#x2F;"))),
        "{field}"
    );
    // Fields the post did not hold are shown with the file's values.
    assert!(page.contains("value=\"Esri Sverige AB\""), "{page}");
    assert_eq!(std::fs::read_to_string(p.path().join(FILE)).unwrap(), ARCGIS);

    // A date that is none: the error at the date.
    let mut fields = edit(&token, &hash, "3");
    fields.retain(|(k, _)| *k != "certifikat[1].giltigt_till");
    fields.push(("certifikat[1].giltigt_till", "2027-13-45"));
    let (status, page) = request(port, "POST", FORM, &[&origin(port)], &body(&fields));
    assert_eq!(status, 422, "{page}");
    let field = field_html(&page, "f-certifikat-1--giltigt-till");
    assert!(field.contains("aria-invalid=\"true\"") && field.contains("Fel:"), "{field}");
    assert_eq!(std::fs::read_to_string(p.path().join(FILE)).unwrap(), ARCGIS);
}

#[test]
fn an_organisation_the_policy_does_not_know_is_shown_at_its_group_and_writes_nothing() {
    let p = project(&[("arcgis-enterprise-gis.toml", ARCGIS)]);
    let server = start(p.path());
    let port = server.port;
    let (_, form) = request(port, "GET", FORM, &[], "");
    let (token, hash) = secrets(&form);
    let fields = [
        ("token", token.as_str()),
        ("hash", hash.as_str()),
        ("tjanst.anvands_av[]", ""),
        ("tjanst.anvands_av[]", "Mellby kommun"),
        ("tjanst.anvands_av[]", "Okänds kommun"),
        ("gor", "spara"),
    ];
    let (status, page) = request(port, "POST", FORM, &[&origin(port)], &body(&fields));
    assert_eq!(status, 422, "{page}");
    let group = &page[page.find("<fieldset id=\"f-tjanst-anvands-av\"").expect("the group")..];
    assert!(
        group.starts_with("<fieldset id=\"f-tjanst-anvands-av\" aria-describedby=\"f-tjanst-anvands-av-fel\""),
        "{group}"
    );
    // The unknown value stays ticked, so that the error can name it.
    assert!(group.contains("value=\"Okänds kommun\" checked> <label"), "{group}");
    let errors = &group[group.find("<ul id=\"f-tjanst-anvands-av-fel\"").expect("the errors")..];
    let errors = &errors[..errors.find("</ul>").unwrap()];
    assert!(errors.contains("Fel:") && errors.contains("Okänds kommun"), "{errors}");
    assert_eq!(std::fs::read_to_string(p.path().join(FILE)).unwrap(), ARCGIS);
}

/// The markup of one field, from its control to the end of its block.
fn field_html<'a>(page: &'a str, id: &str) -> &'a str {
    let at = page.find(&format!("id=\"{id}\"")).unwrap_or_else(|| panic!("{id} in {page}"));
    &page[at..at + page[at..].find("</div>").unwrap()]
}

#[test]
fn a_file_changed_behind_the_forms_back_is_not_overwritten() {
    let p = project(&[("arcgis-enterprise-gis.toml", ARCGIS)]);
    let server = start(p.path());
    let port = server.port;
    let (_, form) = request(port, "GET", FORM, &[], "");
    let (token, hash) = secrets(&form);

    let behind = ARCGIS.edit("referens = \"SML-2026-0297\"", "referens = \"SML-2026-0300\"");
    p.write(FILE, &behind);
    let (status, page) = request(port, "POST", FORM, &[&origin(port)], &body(&edit(&token, &hash, "3")));
    assert_eq!(status, 409, "{page}");
    assert!(page.contains("Filen har ändrats"), "{page}");
    assert!(page.contains("- referens = &quot;SML-2026-0297&quot;"), "{page}");
    assert!(page.contains("+ referens = &quot;SML-2026-0300&quot;"), "{page}");
    assert_eq!(std::fs::read_to_string(p.path().join(FILE)).unwrap(), behind);
}

#[test]
fn hostile_requests_are_refused_and_write_nothing() {
    let p = project(&[("arcgis-enterprise-gis.toml", ARCGIS)]);
    let server = start(p.path());
    let port = server.port;
    let (_, form) = request(port, "GET", FORM, &[], "");
    let (token, hash) = secrets(&form);
    let good = body(&edit(&token, &hash, "3"));
    let no_token = body(&edit("", &hash, "3"));
    let wrong_token = body(&edit(&"0".repeat(token.len()), &hash, "3"));
    let host = "Host: evil.example:80".to_owned();
    let evil = "Origin: http://evil.example".to_owned();
    let ours = origin(port);
    let cases: [(&str, Vec<&str>, &str, u16); 6] = [
        ("another origin", vec![&evil], &good, 403),
        ("no origin, cross-site", vec!["Sec-Fetch-Site: cross-site"], &good, 403),
        ("no origin at all", vec![], &good, 403),
        ("no token", vec![&ours], &no_token, 403),
        ("a wrong token", vec![&ours], &wrong_token, 403),
        ("a foreign host", vec![&host, "Origin: http://evil.example:80"], &good, 421),
    ];
    for (what, headers, body, want) in cases {
        let (status, page) = request(port, "POST", FORM, &headers, body);
        assert_eq!(status, want, "{what}: {page}");
        assert_eq!(std::fs::read_to_string(p.path().join(FILE)).unwrap(), ARCGIS, "{what}");
    }
    // A new assessment without the token writes nothing either.
    let (status, _) = request(port, "POST", "/_molnkoll/ny", &[&origin(port)], &body(&[("namn", "Elak")]));
    assert_eq!(status, 403);
    assert!(!p.path().join("content/bedomningar/elak.toml").exists());
    // A body past the limit is refused before it is read.
    let big = format!("token={token}&x={}", "a".repeat(600 * 1024));
    let (status, _) = request(port, "POST", FORM, &[&origin(port)], &big);
    assert_eq!(status, 413);
    // A slug that names a path outside the folder is no assessment.
    let (status, _) = request(port, "POST", "/_molnkoll/redigera/..%2Fpolicy", &[&origin(port)], &good);
    assert_eq!(status, 404);
    // Same-origin without an Origin header is taken when the browser says so.
    let (status, page) = request(port, "POST", FORM, &["Sec-Fetch-Site: same-origin"], &good);
    assert_eq!(status, 303, "{page}");
}

#[test]
fn a_new_assessment_is_written_as_new_writes_it_and_opens_in_the_form() {
    let p = project(&[("arcgis-enterprise-gis.toml", ARCGIS)]);
    let server = start(p.path());
    let port = server.port;
    let (status, page) = request(port, "GET", "/_molnkoll/ny", &[], "");
    assert_eq!(status, 200, "{page}");
    let token = secrets(&format!("{page} name=\"hash\" value=\"\"")).0;
    let (status, page) =
        request(port, "POST", "/_molnkoll/ny", &[&origin(port)], &body(&[("token", &token), ("namn", "Ny tjänst")]));
    assert_eq!(status, 303, "{page}");
    assert!(page.contains("location: /_molnkoll/redigera/ny-tjanst"), "{page}");
    assert!(p.path().join("content/bedomningar/ny-tjanst.toml").exists());
    let (status, page) = request(port, "GET", "/_molnkoll/redigera/ny-tjanst", &[], "");
    assert_eq!(status, 200, "{page}");
    // The same name again: refused, and said at the field.
    let (status, page) =
        request(port, "POST", "/_molnkoll/ny", &[&origin(port)], &body(&[("token", &token), ("namn", "Ny tjänst")]));
    assert_eq!(status, 422, "{page}");
    assert!(page.contains("aria-describedby=\"fel-namn\""), "{page}");
}

/// Opens the form, posts `fields` with its token and hash, and returns the file after.
fn save(port: u16, root: &Path, fields: &[(&str, &str)]) -> String {
    let (_, form) = request(port, "GET", FORM, &[], "");
    let (token, hash) = secrets(&form);
    let mut all = vec![("token", token.as_str()), ("hash", hash.as_str())];
    all.extend_from_slice(fields);
    all.push(("gor", "spara"));
    let (status, page) = request(port, "POST", FORM, &[&origin(port)], &body(&all));
    assert_eq!(status, 303, "{fields:?}: {page}");
    std::fs::read_to_string(root.join(FILE)).unwrap()
}

#[test]
fn every_field_group_is_written_where_it_belongs_with_comments_kept() {
    let p = project(&[("arcgis-enterprise-gis.toml", ARCGIS)]);
    let root = p.path();
    let server = start(root);
    let port = server.port;
    let (_, form) = request(port, "GET", FORM, &[], "");
    for label in [
        "Organisationer som ska använda tjänsten",
        "Moderbolag",
        "Gäller driftformens villkor?",
        "Riskanalysens diarienummer",
        "Återställningstid",
        "Leverantörens redogörelse",
        "Kontroller i Data Privacy Framework (DPF)",
        "Lägg till bekräftelse",
        "Lägg till anbudssvar",
        "Central komponent",
        "Processens checklista",
        "Skyddsnivå",
        "Lägg till accepterad risk",
        "IT-centerchefens ställningstagande",
        "Ärendet lyft till kommundirektören",
        "Lägg till sekretessbelagd del",
    ] {
        assert!(form.contains(label), "{label}");
    }
    // The organisations as checkboxes, the one in the file ticked.
    assert!(form.contains("name=\"tjanst.anvands_av[]\" value=\"Mellby kommun\" checked>"), "{form}");
    assert!(form.contains("name=\"tjanst.anvands_av[]\" value=\"Sjömarks kommun\">"), "{form}");
    // Countries by their Swedish names.
    assert!(form.contains("<option value=\"SE\" selected>Sverige (SE)</option>"), "{form}");

    // The service and the supplier: a list of choices and an optional field.
    let mut want = ARCGIS.to_owned();
    let after = save(
        port,
        root,
        &[
            ("tjanst.anvands_av[]", ""),
            ("tjanst.anvands_av[]", "Sjömarks kommun"),
            ("tjanst.anvands_av[]", "Mellby kommun"),
            ("leverantor.moderbolag", "Esri Inc."),
            ("driftform.villkor_uppfyllt", ""),
            ("driftform.tidigare", "2"),
        ],
    );
    want = want
        .edit("anvands_av = [\"Mellby kommun\"]", "anvands_av = [\"Mellby kommun\", \"Sjömarks kommun\"]")
        .edit("land = \"SE\"\n", "land = \"SE\"\nmoderbolag = \"Esri Inc.\"\n");
    assert_eq!(after, want);
    // The same boxes ticked in another order change nothing.
    let again =
        save(port, root, &[("tjanst.anvands_av[]", "Sjömarks kommun"), ("tjanst.anvands_av[]", "Mellby kommun")]);
    assert_eq!(again, want);

    // Sections the record may leave out, Markdown and a list of strings.
    let after = save(
        port,
        root,
        &[
            ("riskanalys.referens", "SML-2026-0297-2"),
            ("riskanalys.datum", "2026-10-01"),
            ("riskanalys.genomford_av", "informationssakerhetssamordnare"),
            ("svar.3b", "Inte längre aktuellt.\nLeverantörens supportavtal avslutas vid årsskiftet.\n"),
            ("checklista.riskanalys", "klar"),
            ("rader.dpf", "1"),
            ("dpf[1].organisation", "Esri Inc."),
            ("dpf[1].listad_som", ""),
            ("dpf[1].listad", "false"),
            ("dpf[1].listad", "true"),
            ("dpf[1].ramverk", "EU-U.S. DPF\r\n\r\nSwiss-U.S. DPF\r\n"),
            ("dpf[1].kontrollerad", "2026-11-02"),
            ("dpf[1].bevis", ""),
        ],
    );
    want = want
        .edit(
            "Inte längre aktuellt. Ingen extern personal kommer att hantera plattformen. Leverantörens supportavtal avslutas vid årsskiftet.\n",
            "Inte längre aktuellt.\nLeverantörens supportavtal avslutas vid årsskiftet.\n",
        )
        .edit("riskanalys = \"ej-aktuell\"", "riskanalys = \"klar\"")
        + "\n[riskanalys]\nreferens = \"SML-2026-0297-2\"\ndatum = 2026-10-01\ngenomford_av = \"informationssakerhetssamordnare\"\n\
           \n[[dpf]]\norganisation = \"Esri Inc.\"\nlistad = true\nramverk = [\"EU-U.S. DPF\", \"Swiss-U.S. DPF\"]\nkontrollerad = 2026-11-02\n";
    assert_eq!(after, want);

    // Lists of tables: a supplier's confirmation, a secret part, and a decision with its
    // accepted risk, conditions and the IT-centerchef's position.
    let after = save(
        port,
        root,
        &[
            ("rader.bekraftelse", "1"),
            ("bekraftelse[1].atgard", "MK-2-ATERSTALLNING"),
            ("bekraftelse[1].status", "vantar"),
            ("bekraftelse[1].datum", ""),
            ("bekraftelse[1].bevis", ""),
            ("rader.sekretess", "1"),
            ("sekretess[1].falt", "riskanalys"),
            ("sekretess[1].paragraf", "18 kap. 8 § OSL"),
            ("sekretess[1].grund", ""),
            ("beslut.status", "godkand"),
            ("beslut.beslutsfattare", "informationsagare"),
            ("beslut.datum", "2026-11-10"),
            ("beslut.skyddsniva", "2"),
            ("beslut.delegation", "Delegeringsordningen punkt 4.2"),
            ("beslut.motivering", "Supporten tas över av SML-IT."),
            ("beslut.riskbedomning", "Låg risk."),
            ("beslut.juridiskt_ansvar_och_varumarke", "Ingen påverkan."),
            ("beslut.villkor", "Leverantörens fjärranslutning stängs."),
            ("beslut.nasta_granskning", "2027-11-10"),
            ("beslut.it_centerchef.tillstyrker", "false"),
            ("beslut.it_centerchef.tillstyrker", "true"),
            ("beslut.it_centerchef.datum", "2026-11-09"),
            ("beslut.it_centerchef.motivering", "Tillstyrker."),
        ],
    );
    want += "\n[[bekraftelse]]\natgard = \"MK-2-ATERSTALLNING\"\nstatus = \"vantar\"\n\
             \n[beslut]\nstatus = \"godkand\"\nbeslutsfattare = \"informationsagare\"\ndatum = 2026-11-10\nskyddsniva = 2\n\
             delegation = \"Delegeringsordningen punkt 4.2\"\nmotivering = \"Supporten tas över av SML-IT.\"\n\
             riskbedomning = \"Låg risk.\"\njuridiskt_ansvar_och_varumarke = \"Ingen påverkan.\"\n\
             villkor = [\"Leverantörens fjärranslutning stängs.\"]\nnasta_granskning = 2027-11-10\n\
             \n[beslut.it_centerchef]\ntillstyrker = true\ndatum = 2026-11-09\nmotivering = \"Tillstyrker.\"\n\
             \n[[sekretess]]\nfalt = \"riskanalys\"\nparagraf = \"18 kap. 8 § OSL\"\n";
    assert_eq!(after, want);
    p.check(&[]).ok();

    // Removed again: a row by its checkbox, a section by emptying it. The file is as it was
    // before the sections were added, but for the decision.
    let after = save(
        port,
        root,
        &[
            ("rader.bekraftelse", "1"),
            ("bekraftelse[1].ta_bort", "1"),
            ("riskanalys.referens", ""),
            ("riskanalys.datum", ""),
            ("riskanalys.genomford_av", ""),
        ],
    );
    let want = want
        .edit("\n[[bekraftelse]]\natgard = \"MK-2-ATERSTALLNING\"\nstatus = \"vantar\"\n", "")
        .edit(
            "\n[riskanalys]\nreferens = \"SML-2026-0297-2\"\ndatum = 2026-10-01\ngenomford_av = \"informationssakerhetssamordnare\"\n",
            "",
        );
    assert_eq!(after, want);
    for comment in ARCGIS.lines().filter(|l| l.starts_with('#')) {
        assert!(after.contains(comment), "{comment}");
    }
    p.check(&[]).ok();
}
