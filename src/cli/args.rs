//! Arguments more than one command takes.

use std::path::PathBuf;
use std::sync::LazyLock;

use clap::builder::PossibleValue;
use clap::ValueEnum;

use crate::output::{OutputFormat, FORMATS};
use crate::session::{ConfigSource, Options};

/// How rules and configuration are found; shared by every command.
#[derive(clap::Args, Debug, Clone, Default)]
pub struct SetupArgs {
    /// Use this configuration file instead of searching for msklint.yaml
    #[arg(long, value_name = "FILE", conflicts_with = "no_config")]
    pub config: Option<PathBuf>,

    /// Ignore any msklint.yaml
    #[arg(long)]
    pub no_config: bool,

    /// Load extra rule files (*.yaml) from this directory; repeatable
    #[arg(long = "rules-dir", value_name = "DIR")]
    pub rules_dirs: Vec<PathBuf>,
}

impl SetupArgs {
    /// The session options these flags ask for; without `--config` or
    /// `--no-config`, msklint.yaml is searched for from `start` upwards.
    pub fn options(&self, start: &std::path::Path) -> Options {
        let config = if self.no_config {
            ConfigSource::None
        } else {
            match &self.config {
                Some(path) => ConfigSource::File(path.clone()),
                None => ConfigSource::Search(start.to_path_buf()),
            }
        };
        Options {
            config,
            rule_dirs: self.rules_dirs.clone(),
            rule_texts: Vec::new(),
        }
    }
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Color {
    Auto,
    Always,
    Never,
}

/// The output formats as `--format` values, straight from the library's
/// table, so a new format needs no change here.
static OUTPUT_FORMATS: LazyLock<Vec<OutputFormat>> =
    LazyLock::new(|| FORMATS.iter().map(|f| f.format).collect());

impl ValueEnum for OutputFormat {
    fn value_variants<'a>() -> &'a [Self] {
        &OUTPUT_FORMATS
    }

    fn to_possible_value(&self) -> Option<PossibleValue> {
        let entry = self.entry();
        Some(PossibleValue::new(entry.name).help(entry.description))
    }
}
