import Anneal
import ArgumentParser

/// One command-line option and the `RunConfig` field it sets. The bindings of
/// `RunOptions` are the one table between options and fields: options are applied
/// through them, and configuration errors name options through them.
struct OptionBinding {
    let option: String
    /// The field's dotted path ("optimizer.learningRate"), as `ConfigError.field` names it.
    let field: String
    /// Sets the field to the option's value; nil when the option was not given.
    let set: ((inout RunConfig) throws -> Void)?
}

func bind<T>(_ option: String, _ path: WritableKeyPath<RunConfig, T>, _ value: T?) -> OptionBinding {
    OptionBinding(option: option, field: fieldPath(path), set: value.map { value in { $0[keyPath: path] = value } })
}

func bind<T>(_ option: String, _ path: WritableKeyPath<RunConfig, T?>, _ value: T?) -> OptionBinding {
    OptionBinding(option: option, field: fieldPath(path), set: value.map { value in { $0[keyPath: path] = value } })
}

/// An option whose text the library parses (`ValueParsing`): errors name the field.
func bind<T>(_ option: String, _ path: WritableKeyPath<RunConfig, T?>, _ text: String?,
             _ parse: (String, _ field: String) throws -> T) throws -> OptionBinding {
    let field = fieldPath(path)
    return bind(option, path, try text.map { try parse($0, field) })
}

/// "optimizer.learningRate" for `\RunConfig.optimizer.learningRate`.
private func fieldPath(_ path: AnyKeyPath) -> String {
    let text = String(describing: path)
    let prefix = "\\RunConfig."
    precondition(text.hasPrefix(prefix), "fieldPath: \(text) does not name a RunConfig field")
    return String(text.dropFirst(prefix.count))
}

/// A group of options that set configuration fields.
protocol ConfigOptions: ParsableArguments {
    func bindings() throws -> [OptionBinding]
}

extension ConfigOptions {
    /// Sets the field of every option given, in the order of `bindings()`.
    func apply(to config: inout RunConfig) throws {
        try reportingConfigErrors { for binding in try bindings() { try binding.set?(&config) } }
    }
}

/// The option that sets each `RunConfig` field: the bindings' own table, and the
/// fields set through an option of another meaning.
let optionForField: [String: String] = {
    // No option given: nothing to parse, nothing can throw.
    let table = try! RunOptions.parse([]).bindings().map { ($0.field, $0.option) }
    return Dictionary(table, uniquingKeysWith: { first, _ in first })
        .merging(["model.name": "--model", "model.inputShape": "--image-size", "schedule.cycles": "--schedule cosine-restarts cycles"]) { a, _ in a }
}()
