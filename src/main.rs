fn main() {
    std::process::exit(watchdesk::cli::main());
}
