fn main() -> std::process::ExitCode {
    msklint::cli::main()
}
