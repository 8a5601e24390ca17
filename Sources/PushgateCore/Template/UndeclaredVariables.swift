/// What a pool does with job variables its template's schema does not declare: refuse them (the
/// default: the template is the platform team's interface), or drop them as Prefect does
/// (docs/design.md "Enforced interfaces").
package enum UndeclaredVariables: String, Sendable, Hashable {
    case refuse
    case drop
}
