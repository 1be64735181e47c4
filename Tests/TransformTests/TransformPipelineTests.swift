import Mapping
import Testing
import Transform
import Values

/// Parses a JSON step list and runs entities through it.
private func run(
    _ stepsJSON: String, _ entities: [String], store: (any DedupeStore)? = nil
) async throws
    -> [TransformOutcome]
{
    let steps = try StepListParser.parse(try JSONParser.parse(stepsJSON))
    let pipeline = TransformPipeline(steps: steps, dedupeStore: store)
    var outcomes: [TransformOutcome] = []
    for (offset, entity) in entities.enumerated() {
        outcomes += await pipeline.process(try JSONParser.parse(entity), key: "e\(offset + 1)")
    }
    return outcomes + (await pipeline.finish())
}

private func entities(_ outcomes: [TransformOutcome]) -> [JSONValue] {
    outcomes.compactMap { if case .entity(let value, _, _) = $0 { return value } else { return nil } }
}

private func json(_ text: String) throws -> JSONValue { try JSONParser.parse(text) }

@Suite("Transformer steps")
struct TransformPipelineTests {
    @Test func mapBuildsANewEntity() async throws {
        let outcomes = try await run(
            #"[{"map": "{'sku': ARTNR, 'price': $number(PREIS) * 100}"}]"#, [#"{"ARTNR": "A-1", "PREIS": "12.5"}"#])
        #expect(entities(outcomes) == [try json(#"{"sku": "A-1", "price": 1250}"#)])
    }

    @Test func mapYieldingUndefinedDropsTheEntity() async throws {
        let outcomes = try await run(#"[{"map": "nothing"}]"#, [#"{"a": 1}"#])
        #expect(outcomes == [.filtered(key: "e1", stepIndex: 1)])
    }

    @Test func mapMustProduceAnObject() async throws {
        let outcomes = try await run(#"[{"map": "a"}]"#, [#"{"a": 1}"#])
        guard case .failed(let error) = outcomes.first else { Issue.record("expected a failure"); return }
        #expect(error.stepIndex == 1)
        #expect(error.kind == "map")
        #expect(error.entityKey == "e1")
        #expect(error.description == "step 1 (map), entity 'e1': the expression must produce an object, not number")
    }

    @Test func filterUsesJSONataTruthiness() async throws {
        let outcomes = try await run(
            #"[{"filter": "STOCK"}]"#,
            [#"{"STOCK": 3}"#, #"{"STOCK": 0}"#, #"{"STOCK": ""}"#, #"{"OTHER": 1}"#, #"{"STOCK": "x"}"#])
        #expect(entities(outcomes) == [try json(#"{"STOCK": 3}"#), try json(#"{"STOCK": "x"}"#)])
        #expect(outcomes.filter { if case .filtered = $0 { return true } else { return false } }.count == 3)
    }

    @Test func setRenameRemove() async throws {
        let outcomes = try await run(
            #"""
            [{"set": {"currency": "'EUR'", "price.gross": "$number(PREIS)", "/name.en_US": "NAME"}},
             {"rename": {"ARTNR": "sku"}},
             {"remove": ["PREIS", "NAME"]}]
            """#,
            [#"{"ARTNR": "A-1", "PREIS": "9.99", "NAME": "Chair"}"#])
        #expect(
            entities(outcomes) == [
                try json(#"{"currency": "EUR", "price": {"gross": 9.99}, "name.en_US": "Chair", "sku": "A-1"}"#)
            ])
    }

    @Test func lookupMapsCodesAndFailsOnUnknownOnes() async throws {
        let steps = #"[{"lookup": {"field": "CAT", "target": "category_key", "table": {"A01": "furniture", "7": "lamps"}}}]"#
        let outcomes = try await run(steps, [#"{"CAT": "A01"}"#, #"{"CAT": 7}"#, #"{"CAT": "ZZ"}"#])
        #expect(
            entities(outcomes) == [
                try json(#"{"CAT": "A01", "category_key": "furniture"}"#), try json(#"{"CAT": 7, "category_key": "lamps"}"#),
            ])
        guard case .failed(let error) = outcomes.last else { Issue.record("expected a failure"); return }
        #expect(error.reason == "value 'ZZ' of field 'CAT' is not in the lookup table (add it or set a default)")
        #expect(error.entityKey == "e3")
    }

    @Test func lookupDefaultAndMissPolicies() async throws {
        let withDefault = try await run(
            #"[{"lookup": {"field": "c", "table": {"a": "A"}, "default": "other"}}]"#, [#"{"c": "q"}"#])
        #expect(entities(withDefault) == [try json(#"{"c": "other"}"#)])
        let keep = try await run(#"[{"lookup": {"field": "c", "table": {"a": "A"}, "onMissing": "keep"}}]"#, [#"{"c": "q"}"#])
        #expect(entities(keep) == [try json(#"{"c": "q"}"#)])
        let null = try await run(#"[{"lookup": {"field": "c", "table": {"a": "A"}, "onMissing": "null"}}]"#, [#"{"c": "q"}"#])
        #expect(entities(null) == [try json(#"{"c": null}"#)])
    }

    @Test func splitTurnsAnOrderIntoLines() async throws {
        let outcomes = try await run(
            #"[{"split": "lines.{'order': %.id, 'sku': sku, 'qty': qty}"}]"#,
            [#"{"id": "O-1", "lines": [{"sku": "A", "qty": 2}, {"sku": "B", "qty": 1}]}"#])
        #expect(
            entities(outcomes) == [
                try json(#"{"order": "O-1", "sku": "A", "qty": 2}"#), try json(#"{"order": "O-1", "sku": "B", "qty": 1}"#),
            ])
        let keys = outcomes.compactMap { if case .entity(_, let key, _) = $0 { return key } else { return nil } }
        #expect(keys == ["e1/1", "e1/2"])
    }

    @Test func groupCollectsUntilTheRunEnds() async throws {
        let outcomes = try await run(
            #"[{"group": {"by": "order", "into": "{'order': $[0].order, 'skus': $.sku, 'total': $sum($.qty)}"}}]"#,
            [
                #"{"order": "O-1", "sku": "A", "qty": 2}"#, #"{"order": "O-2", "sku": "C", "qty": 5}"#,
                #"{"order": "O-1", "sku": "B", "qty": 1}"#,
            ])
        #expect(
            entities(outcomes) == [
                try json(#"{"order": "O-1", "skus": ["A", "B"], "total": 3}"#),
                try json(#"{"order": "O-2", "skus": "C", "total": 5}"#),
            ])
        #expect(outcomes.prefix(3).allSatisfy { if case .grouped = $0 { return true } else { return false } })
    }

    @Test func groupWithoutIntoEmitsKeyAndItems() async throws {
        let outcomes = try await run(#"[{"group": {"by": "k"}}]"#, [#"{"k": 1, "v": "a"}"#, #"{"k": 1, "v": "b"}"#])
        #expect(entities(outcomes) == [try json(#"{"key": 1, "items": [{"k": 1, "v": "a"}, {"k": 1, "v": "b"}]}"#)])
    }

    @Test func dedupeSkipsWhatWasDeliveredUnchanged() async throws {
        let store = InMemoryDedupeStore()
        let steps = #"[{"dedupe": {"key": "sku"}}]"#
        let first = try await run(steps, [#"{"sku": "A", "price": 1}"#], store: store)
        guard case .entity(let entity, _, let hash) = first.first else { Issue.record("expected an entity"); return }
        #expect(entity == (try json(#"{"sku": "A", "price": 1}"#)))
        await store.recordDelivered(hash: hash, for: "A")
        // Same content with another field order is unchanged; a changed price goes through.
        let again = try await run(steps, [#"{"price": 1, "sku": "A"}"#, #"{"sku": "A", "price": 2}"#], store: store)
        #expect(again.first == .unchanged(key: "e1", stepIndex: 1))
        #expect(entities(again) == [try json(#"{"sku": "A", "price": 2}"#)])
    }

    @Test func contentHashIsSHA256OfCanonicalJSON() throws {
        // SHA-256 of the bytes {"a":1,"b":[true,null]} — computed independently with `printf … | sha256sum`.
        let value = try json(#"{"b": [true, null], "a": 1}"#)
        #expect(TransformPipeline.contentHash(value) == "1cc69c7fa23616ca2ec3ee70d24390a6225c8832db8a4c814c7e0e7f942f8668")
    }

    @Test func validateUsesTheInjectedValidator() async throws {
        struct RequiresSKU: EntityValidator {
            func violations(of entity: JSONValue) -> [String] { entity["sku"] == nil ? ["/sku is required"] : [] }
        }
        let steps = try StepListParser.parse(try json(#"[{"validate": {"schema": {"required": ["sku"]}}}]"#)) { _ in RequiresSKU()
        }
        let pipeline = TransformPipeline(steps: steps)
        let ok = await pipeline.process(try json(#"{"sku": "A"}"#), key: "k1")
        let bad = await pipeline.process(try json(#"{"name": "x"}"#), key: "k2")
        #expect(entities(ok).count == 1)
        #expect(bad == [.failed(StepError(stepIndex: 1, kind: "validate", entityKey: "k2", reason: "/sku is required"))])
    }

    @Test func runtimeErrorsCarryTheJSONataCode() async throws {
        let outcomes = try await run(#"[{"map": "{'n': $number(x)}"}]"#, [#"{"x": "abc"}"#])
        guard case .failed(let error) = outcomes.first else { Issue.record("expected a failure"); return }
        #expect(error.code == "D3030")
        #expect(error.stepIndex == 1)
    }
}

@Suite("Step list parsing")
struct StepListParserTests {
    @Test func everyProblemIsListed() throws {
        let error = try #require(throws: StepConfigurationError.self) {
            _ = try StepListParser.parse(
                try JSONParser.parse(
                    #"[{"map": "{"}, {"frobnicate": 1}, {"lookup": {"field": "a"}}, "x", {"filter": "a", "map": "b"}]"#))
        }
        #expect(error.problems.count == 5)
        #expect(error.problems[0].hasPrefix("step 1 (map): 'map' has S0"))
        #expect(error.problems[1].hasPrefix("step 2 (frobnicate): unknown step kind"))
        #expect(error.problems[2] == "step 3 (lookup): 'table' must be an object of values")
        #expect(error.problems[3].hasPrefix("step 4: must be an object with exactly one key"))
        #expect(error.problems[4].hasPrefix("step 5: must be an object with exactly one key"))
    }

    @Test func notAList() throws {
        let error = try #require(throws: StepConfigurationError.self) {
            _ = try StepListParser.parse(try JSONParser.parse(#"{"map": "a"}"#))
        }
        #expect(error.problems == ["steps must be a list (got object)"])
    }

    @Test(arguments: ["", "a..b", "/"])
    func badFieldPaths(_ path: String) {
        #expect(throws: StepConfigurationError.self) { _ = try FieldPath(path) }
    }

    @Test func pointerPathsUnescape() throws {
        #expect(try FieldPath("/a~1b/c~0d").components == ["a/b", "c~d"])
        #expect(try FieldPath("a.b").components == ["a", "b"])
    }
}
