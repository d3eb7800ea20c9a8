//! One test per derivation rule in DOMAIN.md, on the shipped policy source.

use molnkoll::derive::{BevakningTyp, Handling, Status, Utlatande, harled};
use molnkoll::model::{
    Bedomning, Bekraftelse, BekraftelseStatus, Beslut, BeslutStatus, Certifikat, Datum, DpfKontroll, Eskalering,
    Policy, RedogorelseBedomning, Riskanalys, Stallningstagande, Underbitrade, UtlosareId,
};

fn policy() -> Policy {
    toml::from_str(include_str!("../../content/policy.toml")).expect("shipped policy parses")
}

fn today() -> Datum {
    Datum::parse("2026-11-23").unwrap()
}

fn d(s: &str) -> Datum {
    Datum::parse(s).unwrap()
}

/// A complete level-2 procurement with an EU-only chain: everything it needs is met.
fn base() -> Bedomning {
    toml::from_str(
        r#"
tjanstemodell = "saas"
leveransmodell = "publikt-moln"
utlosare = "upphandling"
driftform = { id = 4 }

[tjanst]
namn = "Testtjänst"
beskrivning = "En tjänst."
referens = "T-1"
anvands_av = ["Sjömarks kommun"]
informationsagare = "informationsagare"

[leverantor]
namn = "Leverantör AB"
land = "SE"

[[informationsmangd]]
namn = "Ärenden"
beskrivning = "Ärenden."
klassning = { K = 2, R = 1, T = 1 }
klassad_av = "informationsagare"
klassad_datum = 2026-01-10

[aterstallning]
aterstallningstid = "4 timmar"
backup_placering = "Sverige"
versionshantering = "30 versioner"
kvarhallandeprincip = "90 dagar"

[[certifikat]]
standard = "iso27001"
utfardare = "Certifieringsorgan AB"
giltigt_till = 2027-06-30
omfattar_tjansten = true
bevis = "Dnr 1"

[svar]
1a = "Ja."
2a = "Ja."
2b = "Ja."
3a = "Ja."
3b = "Ja."
3c = "Ja."
4a = "Ja."
4b = "Ja."
4c = "Nej."
4d = "Export."
"#,
    )
    .expect("base record parses")
}

fn status(h: &molnkoll::derive::Harledning, id: &str) -> Option<Status> {
    h.atgarder.iter().find(|u| u.id == id).unwrap_or_else(|| panic!("no measure {id}")).status
}

fn set_level(b: &mut Bedomning, niva: u8) {
    b.informationsmangder[0].klassning.insert("K".into(), niva);
}

fn us_dpf(b: &mut Bedomning, listad: bool) {
    b.dpf = vec![DpfKontroll {
        organisation: b.leverantor.as_ref().unwrap().namn.clone(),
        listad_som: None,
        listad,
        ramverk: vec!["EU-U.S. DPF".into()],
        kontrollerad: d("2026-10-01"),
        bevis: None,
    }];
}

#[test]
fn routine_applies_always_to_driftform_4_and_5() {
    for id in [4, 5] {
        let mut b = base();
        b.driftform.id = id;
        assert!(harled(&policy(), &b, today()).rutin.galler, "driftform {id}");
    }
}

#[test]
fn routine_never_applies_to_driftform_1_and_3() {
    for id in [1, 3] {
        let mut b = base();
        b.driftform.id = id;
        let h = harled(&policy(), &b, today());
        assert!(!h.rutin.galler, "driftform {id}");
        assert_eq!(h.utlatande, Utlatande::RutinenGallerEj);
        assert!(h.atgarder.iter().all(|u| !u.tillamplig));
    }
}

#[test]
fn routine_applies_to_driftform_2_only_when_its_condition_holds() {
    let mut b = base();
    b.driftform.id = 2;
    b.driftform.villkor_uppfyllt = Some(true);
    assert!(harled(&policy(), &b, today()).rutin.galler);
    b.driftform.villkor_uppfyllt = Some(false);
    let h = harled(&policy(), &b, today());
    assert!(!h.rutin.galler);
    assert!(h.rutin.skal.contains("databaskopior"), "{}", h.rutin.skal);
}

#[test]
fn governing_level_is_the_highest_of_any_aspect_of_any_set() {
    let mut b = base();
    let mut second = b.informationsmangder[0].clone();
    second.namn = "Loggar".into();
    second.klassning = [("K".into(), 1), ("R".into(), 1), ("T".into(), 3)].into();
    b.informationsmangder.push(second);
    let s = harled(&policy(), &b, today()).styrande.unwrap();
    assert_eq!((s.niva, s.informationsmangd, s.aspekt.as_str()), (3, 1, "T"));
    assert_eq!(s.informationsmangd_namn, "Loggar");
}

#[test]
fn governing_level_counts_only_the_aspects_the_policy_names() {
    let mut p = policy();
    p.regler.styrande_niva.aspekter.retain(|a| a != "S");
    let mut b = base();
    b.informationsmangder[0].klassning.insert("S".into(), 3);
    assert_eq!(harled(&p, &b, today()).styrande.unwrap().niva, 2);
    assert_eq!(harled(&policy(), &b, today()).styrande.unwrap().niva, 3);
}

#[test]
fn the_table_is_cumulative() {
    let mut b = base();
    set_level(&mut b, 3);
    b.leverantor.as_mut().unwrap().land = "US".into();
    let h = harled(&policy(), &b, today());
    for id in ["MK-3-RISKANALYS", "MK-2-ATERSTALLNING", "MK-2-CERTIFIERING", "MK-1-DPF"] {
        assert!(h.atgarder.iter().any(|u| u.id == id && u.tillamplig), "{id} should apply at level 3");
    }
    assert!(h.atgarder.iter().any(|u| u.id == "MK-4-FORBUD" && !u.tillamplig));
}

#[test]
fn without_the_cumulative_rule_only_the_levels_own_measures_apply() {
    let mut p = policy();
    p.regler.kumulativ_atgardstabell = false;
    let mut b = base();
    set_level(&mut b, 3);
    let h = harled(&p, &b, today());
    let applicable: Vec<&str> = h.atgarder.iter().filter(|u| u.tillamplig).map(|u| u.id.as_str()).collect();
    assert_eq!(applicable, ["MK-3-RISKANALYS"]);
}

#[test]
fn a_level_demands_nothing_from_levels_above_it() {
    let mut b = base();
    set_level(&mut b, 1);
    b.informationsmangder[0].klassning.insert("R".into(), 0);
    let h = harled(&policy(), &b, today());
    let unit = h.atgarder.iter().find(|u| u.id == "MK-2-ATERSTALLNING").unwrap();
    assert!(!unit.tillamplig);
    assert!(unit.skal.contains("nivå 2"), "{}", unit.skal);
}

#[test]
fn dpf_is_not_applicable_for_an_eu_only_chain_and_says_why() {
    let h = harled(&policy(), &base(), today());
    let dpf = h.atgarder.iter().find(|u| u.id == "MK-1-DPF").unwrap();
    assert!(!dpf.tillamplig);
    assert!(dpf.skal.contains("USA-koppling"), "{}", dpf.skal);
    assert!(h.usa_koppling.is_empty());
}

#[test]
fn dpf_applies_with_a_us_supplier_a_us_law_flag_or_a_us_subprocessor() {
    let mut by_country = base();
    by_country.leverantor.as_mut().unwrap().land = "US".into();
    let mut by_flag = base();
    by_flag.leverantor.as_mut().unwrap().usa_koppling = true;
    let mut by_sub = base();
    by_sub.underbitraden.push(Underbitrade {
        namn: "Hosting Inc.".into(),
        land: "US".into(),
        usa_koppling: false,
        uppgift: "Drift".into(),
        lagrar_data: false,
    });
    for b in [by_country, by_flag, by_sub] {
        let h = harled(&policy(), &b, today());
        assert_eq!(status(&h, "MK-1-DPF"), Some(Status::Okand), "unchecked listing is unknown");
        assert_eq!(h.usa_koppling.len(), 1);
    }
}

#[test]
fn dpf_is_met_when_listed_and_unmet_when_not() {
    let mut b = base();
    b.leverantor.as_mut().unwrap().land = "US".into();
    us_dpf(&mut b, true);
    assert_eq!(status(&harled(&policy(), &b, today()), "MK-1-DPF"), Some(Status::Uppfylld));
    us_dpf(&mut b, false);
    let h = harled(&policy(), &b, today());
    assert_eq!(status(&h, "MK-1-DPF"), Some(Status::EjUppfylld));
    assert!(matches!(h.utlatande, Utlatande::Blockerad { .. }));
}

#[test]
fn level_4_is_not_allowed_whatever_the_evidence() {
    let mut b = base();
    set_level(&mut b, 4);
    b.riskanalys = Some(Riskanalys { referens: "R".into(), datum: d("2026-01-01"), genomford_av: "verksamhet".into() });
    let h = harled(&policy(), &b, today());
    assert_eq!(h.utlatande, Utlatande::EjTillaten);
    assert_eq!(status(&h, "MK-4-FORBUD"), Some(Status::EjUppfylld));
}

#[test]
fn level_3_without_a_risk_analysis_is_blocked() {
    let mut b = base();
    set_level(&mut b, 3);
    let h = harled(&policy(), &b, today());
    assert_eq!(status(&h, "MK-3-RISKANALYS"), Some(Status::EjUppfylld));
    let Utlatande::Blockerad { orsaker } = &h.utlatande else { panic!("{:?}", h.utlatande) };
    assert!(orsaker.iter().any(|o| o.contains("MK-3-RISKANALYS")));
    b.riskanalys =
        Some(Riskanalys { referens: "R-1".into(), datum: d("2026-01-01"), genomford_av: "verksamhet".into() });
    let h = harled(&policy(), &b, today());
    assert_eq!(status(&h, "MK-3-RISKANALYS"), Some(Status::Uppfylld));
    assert_eq!(h.utlatande, Utlatande::RedoForBeslut);
}

#[test]
fn an_expired_certificate_does_not_meet_the_measure() {
    let mut b = base();
    b.certifikat[0].giltigt_till = d("2026-11-22");
    let h = harled(&policy(), &b, today());
    assert_eq!(status(&h, "MK-2-CERTIFIERING"), Some(Status::EjUppfylld));
    // Valid on the day itself.
    b.certifikat[0].giltigt_till = today();
    assert_eq!(status(&harled(&policy(), &b, today()), "MK-2-CERTIFIERING"), Some(Status::Uppfylld));
}

#[test]
fn a_certificate_outside_the_services_scope_does_not_meet_the_measure() {
    let mut b = base();
    b.certifikat[0].omfattar_tjansten = false;
    let h = harled(&policy(), &b, today());
    assert_eq!(status(&h, "MK-2-CERTIFIERING"), Some(Status::EjUppfylld));
    assert!(h.atgarder.iter().any(|u| u.skal.contains("omfattar inte tjänsten")));
}

#[test]
fn a_second_valid_certificate_meets_the_measure_when_the_first_has_expired() {
    let mut b = base();
    b.certifikat[0].giltigt_till = d("2025-01-01");
    b.certifikat.push(Certifikat {
        standard: "soc2".into(),
        utfardare: "Revisor".into(),
        giltigt_till: d("2027-01-01"),
        omfattar_tjansten: true,
        bevis: "Rapport".into(),
    });
    assert_eq!(status(&harled(&policy(), &b, today()), "MK-2-CERTIFIERING"), Some(Status::Uppfylld));
}

#[test]
fn an_explanation_meets_the_measure_only_once_someone_has_judged_it() {
    let mut b = base();
    b.certifikat.clear();
    assert_eq!(status(&harled(&policy(), &b, today()), "MK-2-CERTIFIERING"), Some(Status::Okand));
    b.certifieringsredogorelse = Some("Vi följer kraven så här.".into());
    let skal = |b: &Bedomning| {
        let h = harled(&policy(), b, today());
        let u = h.atgarder.iter().find(|u| u.id == "MK-2-CERTIFIERING").unwrap();
        (u.status, u.skal.clone())
    };
    assert_eq!(
        skal(&b),
        (
            Some(Status::Okand),
            "Leverantören har i stället redogjort för hur informationssäkerhetskraven uppfylls, men ingen har ännu bedömt redogörelsen.".into()
        )
    );
    b.redogorelse_bedomning = Some(RedogorelseBedomning {
        bedomd_av: "informationssakerhetssamordnare".into(),
        datum: d("2026-03-01"),
        godtagen: true,
        motivering: None,
    });
    assert_eq!(
        skal(&b),
        (
            Some(Status::Uppfylld),
            "Leverantören har i stället redogjort för hur informationssäkerhetskraven uppfylls. Redogörelsen godtogs 2026-03-01 (bedömd av: Informationssäkerhetssamordnare).".into()
        )
    );
    b.redogorelse_bedomning.as_mut().unwrap().godtagen = false;
    assert_eq!(
        skal(&b),
        (
            Some(Status::EjUppfylld),
            "Leverantören har i stället redogjort för hur informationssäkerhetskraven uppfylls, men redogörelsen godtogs inte 2026-03-01 (bedömd av: Informationssäkerhetssamordnare).".into()
        )
    );
}

#[test]
fn the_restore_procedure_needs_all_four_points() {
    let mut b = base();
    b.aterstallning.remove("versionshantering");
    let h = harled(&policy(), &b, today());
    assert_eq!(status(&h, "MK-2-ATERSTALLNING"), Some(Status::EjUppfylld));
    assert!(h.atgarder.iter().any(|u| u.skal.contains("Versionshantering")));
    b.aterstallning.clear();
    assert_eq!(status(&harled(&policy(), &b, today()), "MK-2-ATERSTALLNING"), Some(Status::Okand));
}

#[test]
fn a_driftform_change_needs_the_suppliers_confirmation() {
    let mut b = base();
    b.utlosare = UtlosareId::Driftformsforandring;
    b.driftform.tidigare = Some(1);
    let h = harled(&policy(), &b, today());
    assert_eq!(status(&h, "MK-2-ATERSTALLNING"), Some(Status::Okand));
    let confirm =
        |s| Bekraftelse { atgard: "MK-2-ATERSTALLNING".into(), status: s, datum: Some(d("2026-05-01")), bevis: None };
    b.bekraftelser = vec![confirm(BekraftelseStatus::Bekraftad)];
    assert_eq!(status(&harled(&policy(), &b, today()), "MK-2-ATERSTALLNING"), Some(Status::Uppfylld));
    b.bekraftelser = vec![confirm(BekraftelseStatus::Nekad)];
    assert_eq!(status(&harled(&policy(), &b, today()), "MK-2-ATERSTALLNING"), Some(Status::EjUppfylld));
}

#[test]
fn a_confirmation_does_not_override_contrary_evidence() {
    let mut b = base();
    b.utlosare = UtlosareId::Driftformsforandring;
    b.certifikat[0].giltigt_till = d("2025-01-01");
    b.bekraftelser = vec![Bekraftelse {
        atgard: "MK-2-CERTIFIERING".into(),
        status: BekraftelseStatus::Bekraftad,
        datum: None,
        bevis: None,
    }];
    assert_eq!(status(&harled(&policy(), &b, today()), "MK-2-CERTIFIERING"), Some(Status::EjUppfylld));
}

#[test]
fn verdict_is_ready_when_everything_is_met_and_blocked_by_an_unanswered_question() {
    let mut b = base();
    assert_eq!(harled(&policy(), &b, today()).utlatande, Utlatande::RedoForBeslut);
    b.svar.remove("3b");
    let Utlatande::Blockerad { orsaker } = harled(&policy(), &b, today()).utlatande else { panic!() };
    assert_eq!(orsaker, ["Fråga 3b är inte besvarad."]);
}

#[test]
fn an_escalated_decision_is_the_kommundirektors() {
    let mut b = base();
    approved(&mut b, "2027-02-01");
    let beslut = b.beslut.as_mut().unwrap();
    beslut.it_centerchef =
        Some(Stallningstagande { tillstyrker: false, datum: d("2026-01-20"), motivering: "nej".into() });
    beslut.eskalering = Some(Eskalering {
        till: "kommundirektor".into(),
        datum: d("2026-02-10"),
        beslut: BeslutStatus::Avslagen,
        motivering: "nej".into(),
    });
    assert_eq!(harled(&policy(), &b, today()).utlatande, Utlatande::Beslutad { status: BeslutStatus::Avslagen });
}

#[test]
fn no_classification_means_no_level_and_a_blocked_assessment() {
    let mut b = base();
    b.informationsmangder.clear();
    let h = harled(&policy(), &b, today());
    assert!(h.styrande.is_none());
    assert!(matches!(h.utlatande, Utlatande::Blockerad { .. }));
}

#[test]
fn a_procurement_gets_a_kravbilaga_and_a_decision_basis_once_ready() {
    let mut b = base();
    assert_eq!(harled(&policy(), &b, today()).handlingar, [Handling::Kravbilaga, Handling::Beslutsunderlag]);
    b.svar.remove("1a");
    assert_eq!(harled(&policy(), &b, today()).handlingar, [Handling::Kravbilaga]);
}

#[test]
fn a_driftform_change_gets_a_supplier_confirmation_instead() {
    let mut b = base();
    b.utlosare = UtlosareId::Driftformsforandring;
    b.svar.clear();
    assert_eq!(harled(&policy(), &b, today()).handlingar, [Handling::Leverantorsbekraftelse]);
}

#[test]
fn level_4_gets_only_the_notice_even_when_decided() {
    let mut b = base();
    set_level(&mut b, 4);
    approved(&mut b, "2027-02-01");
    b.beslut.as_mut().unwrap().status = BeslutStatus::Avslagen;
    assert_eq!(harled(&policy(), &b, today()).handlingar, [Handling::EjTillaten]);
}

#[test]
fn no_documents_outside_the_routine_or_before_classification() {
    let mut b = base();
    b.driftform.id = 1;
    assert!(harled(&policy(), &b, today()).handlingar.is_empty());
    let mut b = base();
    b.informationsmangder.clear();
    assert!(harled(&policy(), &b, today()).handlingar.is_empty());
}

fn bevakningar(b: &Bedomning, today: &str) -> Vec<(BevakningTyp, String)> {
    harled(&policy(), b, d(today)).bevakningar.iter().map(|x| (x.typ, x.datum.to_string())).collect()
}

fn approved(b: &mut Bedomning, next: &str) {
    b.beslut = Some(Beslut {
        status: BeslutStatus::Godkand,
        beslutsfattare: "informationsagare".into(),
        datum: d("2026-02-01"),
        skyddsniva: Some(2),
        delegation: Some("Delegeringsordning, punkt 4.2".into()),
        motivering: "m".into(),
        accepterad_risk: Vec::new(),
        villkor: Vec::new(),
        riskbedomning: "r".into(),
        juridiskt_ansvar_och_varumarke: "j".into(),
        nasta_granskning: Some(d(next)),
        it_centerchef: Some(Stallningstagande { tillstyrker: true, datum: d("2026-01-20"), motivering: "ja".into() }),
        eskalering: None,
    });
}

#[test]
fn a_review_is_flagged_within_60_days_and_when_overdue() {
    let mut b = base();
    approved(&mut b, "2027-02-01");
    assert_eq!(bevakningar(&b, "2026-12-02"), []);
    assert_eq!(bevakningar(&b, "2026-12-03"), [(BevakningTyp::GranskningSnart, "2027-02-01".into())]);
    assert_eq!(bevakningar(&b, "2027-02-01"), [(BevakningTyp::GranskningSnart, "2027-02-01".into())]);
    assert_eq!(bevakningar(&b, "2027-02-02"), [(BevakningTyp::GranskningForsenad, "2027-02-01".into())]);
}

#[test]
fn a_rejected_assessment_has_no_review_to_flag() {
    let mut b = base();
    approved(&mut b, "2026-01-01");
    b.beslut.as_mut().unwrap().status = BeslutStatus::Avslagen;
    assert!(bevakningar(&b, "2026-11-23").iter().all(|(t, _)| *t != BevakningTyp::GranskningForsenad));
}

#[test]
fn a_certificate_is_flagged_within_90_days_and_when_expired() {
    let b = base(); // valid until 2027-06-30
    assert_eq!(bevakningar(&b, "2027-03-31"), []);
    assert_eq!(bevakningar(&b, "2027-04-01"), [(BevakningTyp::CertifikatGarUt, "2027-06-30".into())]);
    assert_eq!(bevakningar(&b, "2027-07-01"), [(BevakningTyp::CertifikatUtganget, "2027-06-30".into())]);
}

#[test]
fn a_dpf_check_older_than_12_months_is_stale() {
    let mut b = base();
    us_dpf(&mut b, true); // checked 2026-10-01
    b.certifikat.clear();
    b.certifieringsredogorelse = Some("Redogörelse.".into());
    b.redogorelse_bedomning = Some(RedogorelseBedomning {
        bedomd_av: "informationssakerhetssamordnare".into(),
        datum: d("2026-03-01"),
        godtagen: true,
        motivering: None,
    });
    // The listing is watched only where the DPF measure applies: with a US link.
    assert_eq!(bevakningar(&b, "2027-10-02"), []);
    b.leverantor.as_mut().unwrap().land = "US".into();
    assert_eq!(bevakningar(&b, "2027-10-01"), []);
    assert_eq!(bevakningar(&b, "2027-10-02"), [(BevakningTyp::DpfInaktuell, "2026-10-01".into())]);
}
