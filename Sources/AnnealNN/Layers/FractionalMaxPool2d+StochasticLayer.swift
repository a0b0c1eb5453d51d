/// Fractional max pooling draws new regions in training mode and nothing else,
/// so Monte-Carlo prediction may average over regions (Graham 2014 averages
/// repeated test passes this way).
extension FractionalMaxPool2d: StochasticLayer {}
