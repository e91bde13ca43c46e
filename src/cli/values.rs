//! The accepted values of every enumerated argument, as data: each type is a clap `ValueEnum`, so `--help`,
//! the shell completions and the man page list the same words the parser accepts. `Choice` parses them
//! (any case, with the aliases) and says what is accepted when a word is not.

use std::ffi::OsStr;
use std::marker::PhantomData;

use clap::builder::{PossibleValue, TypedValueParser};
use clap::error::ErrorKind;
use clap::{Arg, Command, ValueEnum};

use crate::config::Lang;
use crate::model::HandItem;
use crate::policy::{Kind, Severity};
use crate::tui::theme::ColorChoice;

impl ValueEnum for Severity {
    fn value_variants<'a>() -> &'a [Self] {
        &Severity::ALL
    }

    fn to_possible_value(&self) -> Option<PossibleValue> {
        let help = match self {
            Severity::Critical => "紧急 critical fault",
            Severity::Major => "一般 major fault",
            Severity::Minor => "轻微 minor fault",
        };
        Some(PossibleValue::new(self.as_str()).help(help))
    }
}

impl ValueEnum for Kind {
    fn value_variants<'a>() -> &'a [Self] {
        &[Kind::Fault, Kind::Change, Kind::Support, Kind::Security]
    }

    fn to_possible_value(&self) -> Option<PossibleValue> {
        let help = match self {
            Kind::Fault => "故障处理: respond, plan and recover by severity",
            Kind::Change => "需求变更: a change request, respond within 24 h",
            Kind::Support => "技术支持: technical support, the fault deadlines of its severity",
            Kind::Security => "安全加固: security hardening, fixed within 10 working days",
        };
        Some(PossibleValue::new(self.as_str()).help(help))
    }
}

impl ValueEnum for Lang {
    fn value_variants<'a>() -> &'a [Self] {
        &[Lang::Zh, Lang::En]
    }

    fn to_possible_value(&self) -> Option<PossibleValue> {
        Some(match self {
            Lang::Zh => PossibleValue::new("zh").aliases(["zh-cn", "cn"]).help("中文"),
            Lang::En => PossibleValue::new("en").help("English"),
        })
    }
}

impl ValueEnum for ColorChoice {
    fn value_variants<'a>() -> &'a [Self] {
        &[ColorChoice::Auto, ColorChoice::Always, ColorChoice::Never]
    }

    fn to_possible_value(&self) -> Option<PossibleValue> {
        Some(match self {
            ColorChoice::Auto => PossibleValue::new("auto").help("colour unless NO_COLOR is set"),
            ColorChoice::Always => PossibleValue::new("always").help("colour even under NO_COLOR"),
            ColorChoice::Never => PossibleValue::new("never").help("no colour: the mono theme"),
        })
    }
}

impl ValueEnum for HandItem {
    fn value_variants<'a>() -> &'a [Self] {
        &[
            HandItem::Personnel,
            HandItem::AssignedTasks,
            HandItem::Complaints,
            HandItem::Notices,
        ]
    }

    fn to_possible_value(&self) -> Option<PossibleValue> {
        let value = PossibleValue::new(self.as_str());
        Some(match self {
            HandItem::Personnel => value.help("人员管理: points out of 45"),
            HandItem::AssignedTasks => value.alias("assigned-tasks").help("交办任务: points out of 5"),
            HandItem::Complaints => value.help("投诉: number of complaints, −1 each from 10"),
            HandItem::Notices => value.help("安全通报: number of security notices, −3 each from 10"),
        })
    }
}

/// A parser that reads a word as a `T` or says why not.
type Parse<T> = fn(&str) -> Result<T, String>;

/// Parses one of `T`'s values (or of a subset), ignoring case and surrounding blanks. A word that is none of
/// them is refused with "unknown WHAT "word": accepted are a, b, c".
pub struct Choice<T: 'static> {
    what: &'static str,
    only: Option<&'static [T]>,
    /// A parser of the type's own, whose error says more than the names (the score items' ranges).
    own: Option<Parse<T>>,
    _of: PhantomData<fn() -> T>,
}

impl<T: 'static> Clone for Choice<T> {
    fn clone(&self) -> Self {
        Choice {
            what: self.what,
            only: self.only,
            own: self.own,
            _of: PhantomData,
        }
    }
}

impl<T: ValueEnum + 'static> Choice<T> {
    /// Every value of `T`; `what` names it in the error ("severity", "kind").
    pub fn all(what: &'static str) -> Self {
        Choice {
            what,
            only: None,
            own: None,
            _of: PhantomData,
        }
    }

    /// Every value of `T`, read by `parse` (which accepts the same words) for its own error messages.
    pub fn parsed_by(parse: Parse<T>) -> Self {
        Choice {
            what: "",
            only: None,
            own: Some(parse),
            _of: PhantomData,
        }
    }

    /// Only these values (a report that has no CSV form, say).
    pub fn only(what: &'static str, values: &'static [T]) -> Self {
        Choice {
            what,
            only: Some(values),
            own: None,
            _of: PhantomData,
        }
    }

    fn values(&self) -> impl Iterator<Item = (&T, PossibleValue)> {
        self.only
            .unwrap_or(T::value_variants())
            .iter()
            .filter_map(|v| v.to_possible_value().map(|p| (v, p)))
    }

    /// Reads `text` as one of the accepted values; the `Err` says what is accepted.
    pub fn parse(&self, text: &str) -> Result<T, String> {
        if let Some(own) = self.own {
            return own(text);
        }
        let word = text.trim();
        self.values()
            .find(|(_, p)| p.matches(word, true))
            .map(|(v, _)| v.clone())
            .ok_or_else(|| {
                let accepted: Vec<String> = self.values().map(|(_, p)| p.get_name().to_string()).collect();
                format!(
                    "unknown {} \"{word}\": accepted are {}",
                    self.what,
                    accepted.join(", ")
                )
            })
    }
}

impl<T: ValueEnum + Send + Sync + 'static> TypedValueParser for Choice<T> {
    type Value = T;

    fn parse_ref(&self, cmd: &Command, arg: Option<&Arg>, value: &OsStr) -> Result<T, clap::Error> {
        let text = value.to_string_lossy();
        self.parse(&text).map_err(|why| invalid(cmd, arg, &text, &why))
    }

    fn possible_values(&self) -> Option<Box<dyn Iterator<Item = PossibleValue> + '_>> {
        Some(Box::new(self.values().map(|(_, p)| p)))
    }
}

/// `--theme`: a built-in name (listed in help and completions) or the name of a file in the themes directory,
/// checked when the dashboard starts.
#[derive(Clone)]
pub struct ThemeName;

impl TypedValueParser for ThemeName {
    type Value = String;

    fn parse_ref(&self, cmd: &Command, arg: Option<&Arg>, value: &OsStr) -> Result<String, clap::Error> {
        clap::builder::StringValueParser::new().parse_ref(cmd, arg, value)
    }

    fn possible_values(&self) -> Option<Box<dyn Iterator<Item = PossibleValue> + '_>> {
        Some(Box::new(
            crate::tui::theme::BUILTIN
                .iter()
                .map(|(name, _)| PossibleValue::new(*name)),
        ))
    }
}

/// A yes-or-no answer (`--anomaly-checked yes|no`).
#[derive(Clone)]
pub struct YesNo;

impl TypedValueParser for YesNo {
    type Value = bool;

    fn parse_ref(&self, cmd: &Command, arg: Option<&Arg>, value: &OsStr) -> Result<bool, clap::Error> {
        let text = value.to_string_lossy();
        super::records::parse_yes_no(&text).map_err(|why| invalid(cmd, arg, &text, &why))
    }

    fn possible_values(&self) -> Option<Box<dyn Iterator<Item = PossibleValue> + '_>> {
        Some(Box::new(
            [
                PossibleValue::new("yes").alias("y"),
                PossibleValue::new("no").alias("n"),
            ]
            .into_iter(),
        ))
    }
}

fn invalid(cmd: &Command, arg: Option<&Arg>, text: &str, why: &str) -> clap::Error {
    let arg = arg.map(|a| format!(" for '{a}'")).unwrap_or_default();
    clap::Error::raw(
        ErrorKind::InvalidValue,
        format!("invalid value '{text}'{arg}: {why}\n"),
    )
    .with_cmd(cmd)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_are_read_in_any_case_with_their_aliases() {
        let severity = Choice::<Severity>::all("severity");
        assert_eq!(severity.parse(" Critical "), Ok(Severity::Critical));
        assert_eq!(Choice::<Lang>::all("language").parse("zh-CN"), Ok(Lang::Zh));
        assert_eq!(
            Choice::<HandItem>::all("item").parse("assigned-tasks"),
            Ok(HandItem::AssignedTasks)
        );
    }

    #[test]
    fn a_subset_refuses_the_rest_and_says_what_it_accepts() {
        let rare = Choice::only("severity", &[Severity::Critical, Severity::Major]);
        assert_eq!(
            rare.parse("minor"),
            Err("unknown severity \"minor\": accepted are critical, major".to_string())
        );
        assert_eq!(
            Choice::<Kind>::all("kind").parse("outage"),
            Err("unknown kind \"outage\": accepted are fault, change, support, security".to_string())
        );
    }
}
