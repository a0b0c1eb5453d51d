import Anneal
import ArgumentParser

// The library's choices, as command-line values (valid values listed in --help and in errors).
extension ModelPreset: ExpressibleByArgument {}
extension OptimizerKind: ExpressibleByArgument {}
extension ScheduleKind: ExpressibleByArgument {}
extension PipelineSchedule: ExpressibleByArgument {}
extension Activation: ExpressibleByArgument {}
extension DataLoader.Sampling: ExpressibleByArgument {}
extension ClassWeighting: ExpressibleByArgument {}
extension InitializerChoice: ExpressibleByArgument {}
extension Preprocessing.Normalization: ExpressibleByArgument {}
extension Preprocessing.WhiteningMethod: ExpressibleByArgument {}
extension SmallCNN.Pooling: ExpressibleByArgument {}
extension TestTimeAugmentation: ExpressibleByArgument {}
extension MonitoredMetric: ExpressibleByArgument {}
extension Warmup.Shape: ExpressibleByArgument {}

/// "a, b, c" from an enum's values, for help texts.
func valueList<T: CaseIterable & RawRepresentable>(_ type: T.Type) -> String where T.RawValue == String {
    T.allCases.map(\.rawValue).joined(separator: ", ")
}
