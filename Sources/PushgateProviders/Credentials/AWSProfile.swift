import PushgateSigning

/// An `[aws NAME]` profile of the credentials file (credentials.example; docs/provider-apis.md §2.9).
package struct AWSProfile: Sendable, Equatable {
    package enum Source: Sendable, Equatable {
        /// `access_key_id` + `secret_access_key` (+ `session_token`).
        case staticKeys(AWSCredentials)
        /// `role_arn`: STS AssumeRole from a base.
        case assumeRole(AssumeRole)
        /// `source = chain`: the standard AWS chain (environment, ~/.aws files, container, IMDS);
        /// `aws_profile` picks the ~/.aws profile instead of `AWS_PROFILE`.
        case chain(sharedProfile: String?)
    }

    package struct AssumeRole: Sendable, Equatable {
        /// Where the credentials that call AssumeRole come from.
        package enum Base: Sendable, Equatable {
            /// `source_profile = OTHER`: another `[aws OTHER]` profile of the same file.
            case profile(String)
            /// Keys given in this profile.
            case keys(AWSCredentials)
            /// `source = chain`.
            case chain
        }
        package var roleARN: String
        package var sessionName: String
        package var externalID: String?
        package var durationSeconds: Int
        package var base: Base

        package init(roleARN: String, sessionName: String, externalID: String?, durationSeconds: Int, base: Base) {
            self.roleARN = roleARN
            self.sessionName = sessionName
            self.externalID = externalID
            self.durationSeconds = durationSeconds
            self.base = base
        }
    }

    package var name: String
    package var source: Source
    package var region: String?
    /// Overrides `https://ecs.{region}.amazonaws.com` (and other service endpoints) for this profile.
    package var endpointURL: String?
    /// Overrides `https://sts.{region}.amazonaws.com`.
    package var stsEndpoint: String?
    /// Overrides `http://169.254.169.254` for the chain's IMDS step.
    package var imdsEndpoint: String?
    /// `FILE:LINE` of the section header, for error messages.
    package var place: String
}
