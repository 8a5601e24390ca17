import Foundation
import Testing

@testable import PushgateCore

@Suite struct UndeclaredVariablesTests {
    let template = try! BaseJobTemplate(
        data: Data(
            #"""
            {"job_configuration": {"image": "{{ image }}", "cpu": "{{ cpu }}", "env": "{{ env }}"},
             "variables": {"type": "object", "properties": {"image": {"type": "string"}, "cpu": {"type": "integer", "enum": [256, 1024]},
               "env": {"type": "object"}}}}
            """#.utf8
        ),
        file: "t.json"
    )

    @Test func editDistanceKnownAnswers() {
        #expect(BaseJobTemplate.editDistance("kitten", "sitting") == 3)
        #expect(BaseJobTemplate.editDistance("", "abc") == 3)
        #expect(BaseJobTemplate.editDistance("image", "image") == 0)
        #expect(BaseJobTemplate.editDistance("imagee", "image") == 1)
        #expect(BaseJobTemplate.editDistance("flaw", "lawn") == 2)
    }

    @Test func suggestionsAreOfferedOnlyWhenClose() {
        let declared = ["cpu", "image", "memory"]
        #expect(BaseJobTemplate.suggestion(for: "imagee", among: declared) == " (did you mean 'image'?)")
        #expect(BaseJobTemplate.suggestion(for: "IMAGE", among: declared) == " (did you mean 'image'?)")
        #expect(BaseJobTemplate.suggestion(for: "bogus_var", among: declared) == "")
        #expect(BaseJobTemplate.suggestion(for: "x", among: declared) == "")
    }

    @Test func undeclaredKeysOfEachLayerAreNamed() {
        let problems = template.validateJobVariables(
            deployment: .init(json: #"{"image": "x", "imagee": "y"}"#, name: "deployment"),
            run: .init(json: #"{"env.A": "1", "cpuu": 256}"#, name: "run"),
            requireAll: false,
            undeclared: .refuse
        )
        #expect(problems.map(\.description).map { String($0.prefix(22)) } == ["deployment: $.imagee: ", "run: $.cpuu: 'cpuu' is"])
        #expect(problems.allSatisfy { $0.code == .undeclaredVariable })
        #expect(
            template.validateJobVariables(
                deployment: .init(json: #"{"image": "x", "imagee": "y"}"#, name: "deployment"),
                run: .init(nil, name: "run"),
                requireAll: false,
                undeclared: .drop
            ).isEmpty
        )
    }

    @Test func aChangeReportNamesDeploymentsAndUnsubmittedRuns() {
        let now = Date(timeIntervalSince1970: 0)
        func deployment(_ name: String, _ variables: String) -> Deployment {
            Deployment(
                id: 1,
                name: name,
                poolID: 1,
                poolName: "p",
                queueID: 1,
                queueName: "default",
                jobVariables: variables,
                concurrencyLimit: nil,
                createdAt: now
            )
        }
        let run = FlowRun(
            id: "r1",
            deploymentID: 1,
            deploymentName: "ok",
            poolID: 1,
            poolName: "p",
            queueID: 1,
            queueName: "default",
            scheduledTime: now,
            jobVariables: #"{"cpu": 2048}"#,
            idempotencyKey: nil,
            state: .scheduled,
            stateReason: "created",
            stateChangedAt: now,
            attempt: 0,
            providerHandle: nil,
            leaseOwner: nil,
            leaseExpiresAt: nil,
            createdAt: now
        )
        let report = TemplateChangeReport(
            template: template,
            deployments: [deployment("ok", #"{"image": "x", "cpu": 256}"#), deployment("odd", #"{"image": "x", "cpu": 512}"#)],
            runs: [run],
            undeclared: .refuse
        )
        #expect(!report.isClean)
        #expect(report.impacts.map(\.deploymentName) == ["odd", "ok"])
        #expect(report.impacts.map(\.runID) == [nil, "r1"])
        #expect(Array(report.invalidDeployments.keys) == ["odd"])
        #expect(report.lines[1].hasPrefix("run r1: run r1 job_variables: $.cpu: 2048 is not one of [256,1024]"), "\(report.lines)")
        #expect(TemplateChangeReport(template: template, deployments: [deployment("ok", #"{"image": "x"}"#)], runs: [], undeclared: .refuse).isClean)
    }
}
