//! The French departments (code, name, region), so that a territory known by its INSEE code (a
//! department `61`, a commune `61006`) is also found by its department's name, and a query naming a
//! department is understood as a place.

use super::vocabulary::Region;

/// A department: its INSEE code, its French name and its region.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Department {
    pub code: &'static str,
    pub name: &'static str,
    pub region: Region,
}

/// Every department of France, metropolitan (2A and 2B for Corsica) and overseas (971 to 976).
pub const DEPARTMENTS: &[Department] = &[
    Department { code: "01", name: "Ain", region: Region::AuvergneRhoneAlpes },
    Department { code: "02", name: "Aisne", region: Region::HautsDeFrance },
    Department { code: "03", name: "Allier", region: Region::AuvergneRhoneAlpes },
    Department { code: "04", name: "Alpes-de-Haute-Provence", region: Region::ProvenceAlpesCoteDAzur },
    Department { code: "05", name: "Hautes-Alpes", region: Region::ProvenceAlpesCoteDAzur },
    Department { code: "06", name: "Alpes-Maritimes", region: Region::ProvenceAlpesCoteDAzur },
    Department { code: "07", name: "Ardèche", region: Region::AuvergneRhoneAlpes },
    Department { code: "08", name: "Ardennes", region: Region::GrandEst },
    Department { code: "09", name: "Ariège", region: Region::Occitanie },
    Department { code: "10", name: "Aube", region: Region::GrandEst },
    Department { code: "11", name: "Aude", region: Region::Occitanie },
    Department { code: "12", name: "Aveyron", region: Region::Occitanie },
    Department { code: "13", name: "Bouches-du-Rhône", region: Region::ProvenceAlpesCoteDAzur },
    Department { code: "14", name: "Calvados", region: Region::Normandie },
    Department { code: "15", name: "Cantal", region: Region::AuvergneRhoneAlpes },
    Department { code: "16", name: "Charente", region: Region::NouvelleAquitaine },
    Department { code: "17", name: "Charente-Maritime", region: Region::NouvelleAquitaine },
    Department { code: "18", name: "Cher", region: Region::CentreValDeLoire },
    Department { code: "19", name: "Corrèze", region: Region::NouvelleAquitaine },
    Department { code: "2A", name: "Corse-du-Sud", region: Region::Corse },
    Department { code: "2B", name: "Haute-Corse", region: Region::Corse },
    Department { code: "21", name: "Côte-d'Or", region: Region::BourgogneFrancheComte },
    Department { code: "22", name: "Côtes-d'Armor", region: Region::Bretagne },
    Department { code: "23", name: "Creuse", region: Region::NouvelleAquitaine },
    Department { code: "24", name: "Dordogne", region: Region::NouvelleAquitaine },
    Department { code: "25", name: "Doubs", region: Region::BourgogneFrancheComte },
    Department { code: "26", name: "Drôme", region: Region::AuvergneRhoneAlpes },
    Department { code: "27", name: "Eure", region: Region::Normandie },
    Department { code: "28", name: "Eure-et-Loir", region: Region::CentreValDeLoire },
    Department { code: "29", name: "Finistère", region: Region::Bretagne },
    Department { code: "30", name: "Gard", region: Region::Occitanie },
    Department { code: "31", name: "Haute-Garonne", region: Region::Occitanie },
    Department { code: "32", name: "Gers", region: Region::Occitanie },
    Department { code: "33", name: "Gironde", region: Region::NouvelleAquitaine },
    Department { code: "34", name: "Hérault", region: Region::Occitanie },
    Department { code: "35", name: "Ille-et-Vilaine", region: Region::Bretagne },
    Department { code: "36", name: "Indre", region: Region::CentreValDeLoire },
    Department { code: "37", name: "Indre-et-Loire", region: Region::CentreValDeLoire },
    Department { code: "38", name: "Isère", region: Region::AuvergneRhoneAlpes },
    Department { code: "39", name: "Jura", region: Region::BourgogneFrancheComte },
    Department { code: "40", name: "Landes", region: Region::NouvelleAquitaine },
    Department { code: "41", name: "Loir-et-Cher", region: Region::CentreValDeLoire },
    Department { code: "42", name: "Loire", region: Region::AuvergneRhoneAlpes },
    Department { code: "43", name: "Haute-Loire", region: Region::AuvergneRhoneAlpes },
    Department { code: "44", name: "Loire-Atlantique", region: Region::PaysDeLaLoire },
    Department { code: "45", name: "Loiret", region: Region::CentreValDeLoire },
    Department { code: "46", name: "Lot", region: Region::Occitanie },
    Department { code: "47", name: "Lot-et-Garonne", region: Region::NouvelleAquitaine },
    Department { code: "48", name: "Lozère", region: Region::Occitanie },
    Department { code: "49", name: "Maine-et-Loire", region: Region::PaysDeLaLoire },
    Department { code: "50", name: "Manche", region: Region::Normandie },
    Department { code: "51", name: "Marne", region: Region::GrandEst },
    Department { code: "52", name: "Haute-Marne", region: Region::GrandEst },
    Department { code: "53", name: "Mayenne", region: Region::PaysDeLaLoire },
    Department { code: "54", name: "Meurthe-et-Moselle", region: Region::GrandEst },
    Department { code: "55", name: "Meuse", region: Region::GrandEst },
    Department { code: "56", name: "Morbihan", region: Region::Bretagne },
    Department { code: "57", name: "Moselle", region: Region::GrandEst },
    Department { code: "58", name: "Nièvre", region: Region::BourgogneFrancheComte },
    Department { code: "59", name: "Nord", region: Region::HautsDeFrance },
    Department { code: "60", name: "Oise", region: Region::HautsDeFrance },
    Department { code: "61", name: "Orne", region: Region::Normandie },
    Department { code: "62", name: "Pas-de-Calais", region: Region::HautsDeFrance },
    Department { code: "63", name: "Puy-de-Dôme", region: Region::AuvergneRhoneAlpes },
    Department { code: "64", name: "Pyrénées-Atlantiques", region: Region::NouvelleAquitaine },
    Department { code: "65", name: "Hautes-Pyrénées", region: Region::Occitanie },
    Department { code: "66", name: "Pyrénées-Orientales", region: Region::Occitanie },
    Department { code: "67", name: "Bas-Rhin", region: Region::GrandEst },
    Department { code: "68", name: "Haut-Rhin", region: Region::GrandEst },
    Department { code: "69", name: "Rhône", region: Region::AuvergneRhoneAlpes },
    Department { code: "70", name: "Haute-Saône", region: Region::BourgogneFrancheComte },
    Department { code: "71", name: "Saône-et-Loire", region: Region::BourgogneFrancheComte },
    Department { code: "72", name: "Sarthe", region: Region::PaysDeLaLoire },
    Department { code: "73", name: "Savoie", region: Region::AuvergneRhoneAlpes },
    Department { code: "74", name: "Haute-Savoie", region: Region::AuvergneRhoneAlpes },
    Department { code: "75", name: "Paris", region: Region::IleDeFrance },
    Department { code: "76", name: "Seine-Maritime", region: Region::Normandie },
    Department { code: "77", name: "Seine-et-Marne", region: Region::IleDeFrance },
    Department { code: "78", name: "Yvelines", region: Region::IleDeFrance },
    Department { code: "79", name: "Deux-Sèvres", region: Region::NouvelleAquitaine },
    Department { code: "80", name: "Somme", region: Region::HautsDeFrance },
    Department { code: "81", name: "Tarn", region: Region::Occitanie },
    Department { code: "82", name: "Tarn-et-Garonne", region: Region::Occitanie },
    Department { code: "83", name: "Var", region: Region::ProvenceAlpesCoteDAzur },
    Department { code: "84", name: "Vaucluse", region: Region::ProvenceAlpesCoteDAzur },
    Department { code: "85", name: "Vendée", region: Region::PaysDeLaLoire },
    Department { code: "86", name: "Vienne", region: Region::NouvelleAquitaine },
    Department { code: "87", name: "Haute-Vienne", region: Region::NouvelleAquitaine },
    Department { code: "88", name: "Vosges", region: Region::GrandEst },
    Department { code: "89", name: "Yonne", region: Region::BourgogneFrancheComte },
    Department { code: "90", name: "Territoire de Belfort", region: Region::BourgogneFrancheComte },
    Department { code: "91", name: "Essonne", region: Region::IleDeFrance },
    Department { code: "92", name: "Hauts-de-Seine", region: Region::IleDeFrance },
    Department { code: "93", name: "Seine-Saint-Denis", region: Region::IleDeFrance },
    Department { code: "94", name: "Val-de-Marne", region: Region::IleDeFrance },
    Department { code: "95", name: "Val-d'Oise", region: Region::IleDeFrance },
    Department { code: "971", name: "Guadeloupe", region: Region::Guadeloupe },
    Department { code: "972", name: "Martinique", region: Region::Martinique },
    Department { code: "973", name: "Guyane", region: Region::Guyane },
    Department { code: "974", name: "La Réunion", region: Region::LaReunion },
    Department { code: "976", name: "Mayotte", region: Region::Mayotte },
];

/// Returns the department a territory code names: a department code (`61`, `2A`, `974`), or a
/// commune's INSEE code (five characters: `61006`, `2A004`, `97411`), whose first two (three
/// overseas) characters are its department.
pub fn department_of(code: &str) -> Option<&'static Department> {
    let code = code.trim().to_ascii_uppercase();
    let chars: Vec<char> = code.chars().collect();
    let department: String = match chars.len() {
        2 | 3 => code,
        5 => {
            // Overseas communes (`97411`) carry a three-character department code, the others two.
            let split = if chars.starts_with(&['9', '7']) { 3 } else { 2 };
            if !chars[split..].iter().all(char::is_ascii_digit) {
                return None;
            }
            chars[..split].iter().collect()
        }
        _ => return None,
    };
    DEPARTMENTS.iter().find(|entry| entry.code == department)
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;

    #[test]
    fn there_are_one_hundred_and_one_departments_with_unique_codes() {
        assert_eq!(DEPARTMENTS.len(), 101);
        let codes: HashSet<&str> = DEPARTMENTS.iter().map(|department| department.code).collect();
        assert_eq!(codes.len(), DEPARTMENTS.len(), "every code is unique");
        let names: HashSet<&str> = DEPARTMENTS.iter().map(|department| department.name).collect();
        assert_eq!(names.len(), DEPARTMENTS.len(), "every name is unique");
    }

    #[test]
    fn a_department_code_names_its_department() {
        let orne = department_of("61").expect("Orne");
        assert_eq!(orne.name, "Orne");
        assert_eq!(orne.region, Region::Normandie);
        assert_eq!(department_of("974").map(|department| department.name), Some("La Réunion"));
        assert_eq!(department_of("2A").map(|department| department.name), Some("Corse-du-Sud"));
        assert_eq!(department_of(" 61 ").map(|department| department.name), Some("Orne"), "the input is trimmed");
    }

    #[test]
    fn a_commune_code_names_its_department() {
        assert_eq!(department_of("61006").map(|department| department.name), Some("Orne"));
        let corse_du_sud = department_of("2A004").expect("Corse-du-Sud");
        assert_eq!(corse_du_sud.name, "Corse-du-Sud");
        assert_eq!(corse_du_sud.region, Region::Corse);
        let reunion = department_of("97411").expect("La Réunion");
        assert_eq!(reunion.name, "La Réunion");
        assert_eq!(reunion.region, Region::LaReunion);
        assert_eq!(department_of("97608").map(|department| department.name), Some("Mayotte"));
    }

    #[test]
    fn anything_else_names_no_department() {
        let codes = ["", "   ", "9", "ZZ", "123456", "é1", "éé", "61é06", "ééééé", "975", "97501", "2C004", "61A06"];
        for code in codes {
            assert_eq!(department_of(code), None, "{code:?}");
        }
    }
}
