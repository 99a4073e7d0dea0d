import AMSCore

/// A stored reason (a ``ReasonCatalogue`` code and the operator's explanation) in its reader's words.
enum ReasonText {
    static func words(code: String?, explanation: String?, locale: AppLocale) -> String? {
        let label = code.map { Localizer.text("reason_\($0)", locale) }
        let own = (explanation?.isEmpty ?? true) ? nil : explanation
        switch (label, own) {
        case (nil, nil): return nil
        case (let label?, nil): return label
        case (nil, let own?): return own
        case (let label?, let own?): return "\(label): \(own)"
        }
    }
}
