//! The language rules: findings the parser, the name checks, the graph
//! builder and the suppression pass raise themselves, rather than the rule
//! engine. Each still has a rule file (`check: builtin` under
//! rules/language/) holding its documentation and severity; a test holds
//! this list and those files to the same names and codes.

/// One language rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Builtin {
    SyntaxError,
    InvalidEncoding,
    EmptyFile,
    UndefinedNode,
    DuplicateNode,
    UnknownKind,
    UnknownOffer,
    UnknownChannel,
    UnknownProperty,
    DuplicateProperty,
    InvalidValue,
    SuppressionWithoutReason,
    UnusedSuppression,
    ImportGuess,
    LegacyEncoding,
    UnreadPages,
}

impl Builtin {
    pub const ALL: [Builtin; 16] = [
        Builtin::SyntaxError,
        Builtin::InvalidEncoding,
        Builtin::EmptyFile,
        Builtin::UndefinedNode,
        Builtin::DuplicateNode,
        Builtin::UnknownKind,
        Builtin::UnknownOffer,
        Builtin::UnknownChannel,
        Builtin::UnknownProperty,
        Builtin::DuplicateProperty,
        Builtin::InvalidValue,
        Builtin::SuppressionWithoutReason,
        Builtin::UnusedSuppression,
        Builtin::ImportGuess,
        Builtin::LegacyEncoding,
        Builtin::UnreadPages,
    ];

    /// The rule's name, as findings and configuration spell it.
    pub const fn name(self) -> &'static str {
        match self {
            Builtin::SyntaxError => "syntax-error",
            Builtin::InvalidEncoding => "invalid-encoding",
            Builtin::EmptyFile => "empty-file",
            Builtin::UndefinedNode => "undefined-node",
            Builtin::DuplicateNode => "duplicate-node",
            Builtin::UnknownKind => "unknown-kind",
            Builtin::UnknownOffer => "unknown-offer",
            Builtin::UnknownChannel => "unknown-channel",
            Builtin::UnknownProperty => "unknown-property",
            Builtin::DuplicateProperty => "duplicate-property",
            Builtin::InvalidValue => "invalid-value",
            Builtin::SuppressionWithoutReason => "suppression-without-reason",
            Builtin::UnusedSuppression => "unused-suppression",
            Builtin::ImportGuess => "import-guess",
            Builtin::LegacyEncoding => "legacy-encoding",
            Builtin::UnreadPages => "unread-pages",
        }
    }

    pub const fn code(self) -> &'static str {
        match self {
            Builtin::SyntaxError => "MSK001",
            Builtin::InvalidEncoding => "MSK002",
            Builtin::EmptyFile => "MSK003",
            Builtin::UndefinedNode => "MSK004",
            Builtin::DuplicateNode => "MSK005",
            Builtin::UnknownKind => "MSK006",
            Builtin::UnknownOffer => "MSK007",
            Builtin::UnknownChannel => "MSK008",
            Builtin::UnknownProperty => "MSK009",
            Builtin::DuplicateProperty => "MSK010",
            Builtin::InvalidValue => "MSK011",
            Builtin::SuppressionWithoutReason => "MSK012",
            Builtin::UnusedSuppression => "MSK013",
            Builtin::ImportGuess => "MSK014",
            Builtin::LegacyEncoding => "MSK015",
            Builtin::UnreadPages => "MSK016",
        }
    }

    pub fn of(name: &str) -> Option<Builtin> {
        Builtin::ALL.into_iter().find(|b| b.name() == name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::load::RuleSet;
    use crate::rules::model::Check;
    use crate::vocabulary::Vocabulary;

    #[test]
    fn the_enum_and_the_builtin_rule_files_agree() {
        let vocabulary = Vocabulary::builtin().unwrap();
        let rules = RuleSet::builtin(&vocabulary).unwrap();
        let mut files: Vec<(String, String)> = rules
            .rules
            .iter()
            .filter(|r| matches!(r.rule.check, Check::Builtin))
            .map(|r| (r.rule.name.clone(), r.rule.code.clone()))
            .collect();
        files.sort();
        let mut listed: Vec<(String, String)> = Builtin::ALL
            .iter()
            .map(|b| (b.name().to_string(), b.code().to_string()))
            .collect();
        listed.sort();
        assert_eq!(files, listed);
        for b in Builtin::ALL {
            assert_eq!(Builtin::of(b.name()), Some(b));
        }
    }
}
