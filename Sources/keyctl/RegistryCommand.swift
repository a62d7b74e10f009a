/// A command that works on the registry through the global options (`--db`, `--actor`, ...).
protocol RegistryCommand {
    var global: GlobalOptions { get }
}
