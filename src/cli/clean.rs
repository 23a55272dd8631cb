//! `msklint clean`: removes the result cache that `msklint check` keeps
//! (src/cache.rs), found the way `check` finds it.

use std::path::PathBuf;

use super::setup::cache_dir_beside;
use super::{EXIT_CLEAN, EXIT_TROUBLE};
use crate::cache::Cleaned;

#[derive(clap::Args, Debug)]
pub struct CleanArgs {
    /// The cache folder to remove (default: as `check` finds it:
    /// MSKLINT_CACHE_DIR, else .msklint_cache beside msklint.yaml, else in
    /// the current folder)
    #[arg(long, value_name = "DIR")]
    pub cache_dir: Option<PathBuf>,

    /// The configuration file whose folder holds the cache
    #[arg(long, value_name = "FILE", conflicts_with = "no_config")]
    pub config: Option<PathBuf>,

    /// Look for the cache in the current folder, not beside msklint.yaml
    #[arg(long)]
    pub no_config: bool,
}

pub fn run(args: &CleanArgs) -> u8 {
    // As `check` does: a configuration named but missing is an error, not
    // a reason to look for the cache somewhere else.
    if let Some(path) = args.config.as_deref().filter(|_| !args.no_config) {
        if let Err(e) = std::fs::File::open(path).and_then(|f| {
            f.metadata()?
                .is_dir()
                .then(|| std::io::Error::from(std::io::ErrorKind::IsADirectory))
                .map_or(Ok(()), Err)
        }) {
            errln!(
                "error: {}: the configuration could not be read: {}",
                path.display(),
                crate::discover::io_message(&e)
            );
            return EXIT_TROUBLE;
        }
    }
    let config = if args.no_config {
        None
    } else {
        args.config
            .clone()
            .or_else(|| crate::config::discover(std::path::Path::new(".")))
    };
    let dir = cache_dir_beside(config.as_deref(), args.cache_dir.as_deref());
    match crate::cache::clean(&dir) {
        Ok(Cleaned::Removed) => {
            errln!("removed the cache in {}", dir.display());
            EXIT_CLEAN
        }
        Ok(Cleaned::Kept) => {
            errln!(
                "removed msklint's cache files from {}; the folder holds other files too, so it was kept",
                dir.display()
            );
            EXIT_CLEAN
        }
        Ok(Cleaned::NothingOurs) => {
            errln!(
                "no cache to remove: {} holds none of msklint's cache files",
                dir.display()
            );
            EXIT_CLEAN
        }
        Ok(Cleaned::Missing) => {
            errln!("no cache to remove: {} does not exist", dir.display());
            EXIT_CLEAN
        }
        Err(message) => {
            errln!("error: {message}");
            EXIT_TROUBLE
        }
    }
}
