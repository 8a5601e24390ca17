import Foundation
import PushgateCore
import PushgateProviders
import Testing

/// botocore's JSON error parse, moto's XML auth errors, and the mapping to ProviderError codes
/// (docs/provider-apis.md §2.1, §2.9; docs/build-notes.md §4).
@Suite("ECS error answers")
struct ECSErrorResponseTests {
    @Test(
        "__type is cut at ':' then after '#'; message or Message",
        arguments: [
            (
                #"{"__type":"aws.ecs#ThrottlingException:http://internal.amazon.com/","message":"Rate exceeded"}"#, "ThrottlingException",
                "Rate exceeded"
            ),
            (
                #"{"__type":"com.amazonaws.ecs.v20141113#ClientException","Message":"Unable to describe task definition."}"#, "ClientException",
                "Unable to describe task definition."
            ),
            (#"{"__type":"ClusterNotFoundException","message":"Cluster not found."}"#, "ClusterNotFoundException", "Cluster not found."),
        ]
    )
    func json(_ body: String, _ code: String, _ message: String) {
        let parsed = ECSErrorResponse(status: 400, body: Data(body.utf8))
        #expect(parsed.code == code)
        #expect(parsed.message == message)
    }

    @Test("moto's XML auth error is read for its code and message")
    func xml() {
        let body = """
            <?xml version="1.0" encoding="UTF-8"?><ErrorResponse><Errors><Error><Code>SignatureDoesNotMatch</Code>\
            <Message>The request signature we calculated does not match &amp; so on</Message></Error></Errors></ErrorResponse>
            """
        let parsed = ECSErrorResponse(status: 403, body: Data(body.utf8))
        #expect(parsed.code == "SignatureDoesNotMatch")
        #expect(parsed.message == "The request signature we calculated does not match & so on")
        #expect(parsed.providerError(.listTasks).code == .unauthorized)
    }

    @Test("ConflictException keeps the tasks the token already started")
    func conflict() {
        let parsed = ECSErrorResponse(
            status: 400,
            body: Data(#"{"__type":"ConflictException","message":"used","resourceIds":["arn:aws:ecs:us-east-1:1:task/c/a"]}"#.utf8)
        )
        #expect(parsed.resourceIDs == ["arn:aws:ecs:us-east-1:1:task/c/a"])
        #expect(parsed.providerError(.runTask).code == .conflict)
    }

    @Test(
        "status and code → ProviderError code",
        arguments: [
            (400, "ThrottlingException", ECSOperation.describeTasks, ProviderError.Code.throttled),
            (429, nil, .runTask, .throttled),
            (500, "ServerException", .describeTasks, .unavailable),
            (503, nil, .runTask, .ambiguous),
            (500, "ServerException", .runTask, .ambiguous),
            (403, "SignatureDoesNotMatch", .runTask, .unauthorized),
            (400, "UnrecognizedClientException", .listTasks, .unauthorized),
            (400, "ExpiredTokenException", .listTasks, .unauthorized),
            (400, "AccessDeniedException", .runTask, .unauthorized),
            (400, "ClusterNotFoundException", .runTask, .notFound),
            (400, "InvalidParameterException", .runTask, .rejected),
            (400, "ClientException", .runTask, .rejected),
            (400, "ConflictException", .runTask, .conflict),
        ] as [(Int, String?, ECSOperation, ProviderError.Code)]
    )
    func mapping(_ status: Int, _ code: String?, _ operation: ECSOperation, _ expected: ProviderError.Code) {
        let error = ECSErrorResponse(status: status, code: code, message: "m").providerError(operation)
        #expect(error.code == expected)
        #expect(error.httpStatus == status && error.providerCode == code)
        #expect(error.message.hasPrefix("ECS \(operation.rawValue): "))
    }

    @Test("not-found answers: unknown family, StopTask of a gone task")
    func notFound() {
        #expect(ECSErrorResponse(status: 400, code: "ClientException", message: "Unable to describe task definition.").isNotFound)
        #expect(ECSErrorResponse(status: 400, code: "InvalidParameterException", message: "The referenced task was not found.").isNotFound)
        #expect(!ECSErrorResponse(status: 400, code: "InvalidParameterException", message: "Network Configuration must be provided").isNotFound)
    }
}
