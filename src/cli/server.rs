//! `msklint server`: hands standard input and output to the language
//! server ([`crate::server`]) and turns how the session ended into the exit
//! status the protocol asks for: 0 after `shutdown` then `exit`, 1 otherwise.

use super::{EXIT_CLEAN, EXIT_FINDINGS};

#[derive(clap::Args, Debug)]
pub struct ServerArgs {
    /// Accepted and ignored: some clients add it, and standard input and
    /// output are the only transport
    #[arg(long, hide = true)]
    pub stdio: bool,
}

pub fn run(_args: &ServerArgs) -> u8 {
    match crate::server::run(std::io::stdin(), std::io::stdout()) {
        Ok(()) => EXIT_CLEAN,
        Err(why) => {
            errln!("msklint server: {why}");
            EXIT_FINDINGS
        }
    }
}
