import Testing
import Values

@testable import Mapping

/// Direct plans must answer exactly as the general evaluator does (same JSON text, same error code), or not at all.
@Suite struct DirectPlanTests {
    static let mapping = """
        $number(PRICE) > 0 ? {"abstract_sku": SKU, "name.en_US": DESCR, "category_key": $uppercase(CATEGORY), \
        "price_gross": $round($number(PRICE)*100), "currency": CURRENCY, "attributes": $merge(ATTRS.{k: v}), \
        "in_stock": STOCK > 0}
        """

    static let records: [String] = [
        #"{"SKU":"A-1","DESCR":"oak chair","PRICE":"12.34","CURRENCY":"EUR","CATEGORY":"chairs","STOCK":3,"ATTRS":[{"k":"color","v":"oak"},{"k":"size","v":"2"}]}"#,
        #"{"SKU":"A-2","PRICE":"0.00","STOCK":0,"ATTRS":[]}"#,
        #"{"SKU":"A-3","PRICE":"-4.5","STOCK":1}"#,
        #"{"SKU":"A-4","PRICE":12.5,"STOCK":0,"ATTRS":{"k":"color","v":"red"}}"#,
        #"{"SKU":"A-5","PRICE":"1e3","STOCK":2,"ATTRS":[{"k":"a","v":1},{"k":"a","v":2},{"v":3}]}"#,
        #"{"SKU":"A-6","PRICE":"0x1F","STOCK":2,"CATEGORY":"straße"}"#,
        #"{"SKU":"A-7","PRICE":"abc","STOCK":2}"#,
        #"{"SKU":"A-8","PRICE":"5","STOCK":"2"}"#,
        #"{"SKU":"A-9","PRICE":"5","STOCK":true}"#,
        #"{"SKU":"A-10","PRICE":"5","STOCK":1,"CATEGORY":7}"#,
        #"{"SKU":"A-11","PRICE":"5","STOCK":1,"ATTRS":[{"k":"a","v":1},[{"k":"b","v":2}]]}"#,
        #"{"SKU":"A-12","PRICE":"5","STOCK":1,"ATTRS":"text"}"#,
        #"{"SKU":"A-13","PRICE":"5","STOCK":1,"ATTRS":[{"k":1,"v":1}]}"#,
        #"{"SKU":"A-14","PRICE":"123456789012345678","STOCK":1,"ATTRS":[{"k":"x","v":[1,2]}]}"#,
        #"{"SKU":"A-15","PRICE":"0.1234567890123456789","STOCK":1,"DESCR":null}"#,
        #"{"SKU":"A-16","PRICE":"2.675","STOCK":-1,"a":{"b":{"c":[1,2]}}}"#,
        #"{"SKU":"A-17","PRICE":"007.50","STOCK":1,"a":[{"b":1},{"b":2}]}"#,
        #"{"PRICE":"1.","STOCK":1}"#,
        #"{"PRICE":"-0","STOCK":1}"#,
        #"{"PRICE":[1],"STOCK":1}"#,
        #"{}"#,
    ]

    static let expressions: [String] = [
        mapping,
        "SKU",
        "a.b.c",
        "a.b",
        "$number(PRICE)",
        "$round($number(PRICE), 2)",
        "$round($number(PRICE) * 1.5, -1)",
        "-$number(PRICE)",
        "STOCK >= 1 and PRICE != '5' or SKU = 'A-1'",
        "STOCK < 1 ? 'none' : STOCK <= 2 ? 'few' : 'many'",
        "SKU > 'A-2'",
        "STOCK % 2 = 1",
        "STOCK / 0",
        "$lowercase(CATEGORY)",
        "$merge(ATTRS.{k: v})",
        "$merge(ATTRS.{'key': k, 'value': v})",
        "$merge(ATTRS.{k: v, 'seen': true})",
        "$merge(ATTRS)",
        "ATTRS.{k: v}",
        "ATTRS.{'key': k, 'value': v}",
        "{SKU: STOCK, 'fixed': 1, CATEGORY: PRICE}",
        "{SKU: STOCK, SKU: 1}",
        "{'n': DESCR, 'm': missing, 'o': null, 't': true}",
        "a ? 'yes' : 'no'",
        "SKU & '-' & STOCK & ':' & PRICE & DESCR & missing",
        "STOCK / 3 & '' & true & null",
        "PRICE & ATTRS",
        "DESCR ?? 'none'",
        "DESCR ?: 'empty'",
        "ATTRS ?: 'no attributes'",
        "ATTRS ? 'yes' : 'no'",
    ]

    static let cases: [(String, String)] = expressions.flatMap { e in records.map { (e, $0) } }

    @Test func theWorkloadExpressionHasAPlan() throws {
        #expect(try JSONataExpression(Self.mapping).plan != nil)
        #expect(try JSONataExpression("lines[0].qty").plan == nil)
        #expect(try JSONataExpression("($x := 1; $x)").plan == nil)
        // Repeated literal keys are an error (D1009) that only the general evaluator reports.
        #expect(try JSONataExpression("{'a': 1, 'a': 2}").plan == nil)
    }

    @Test(arguments: cases)
    func planAgreesWithTheGeneralEvaluator(expression source: String, record: String) throws {
        let expression = try JSONataExpression(source)
        #expect(expression.plan != nil, "no plan for \(source)")
        let input = try JSONParser.parse(record)
        let planned = Result { () throws(JSONataError) in try expression.evaluate(input) }
        let general = Result { () throws(JSONataError) in
            try expression.evaluateWithoutPlan(input, bindings: [:], options: .init())
        }
        switch (planned, general) {
        case (.success(let a), .success(let b)):
            #expect(a.map { JSONSerializer.serialize($0) } == b.map { JSONSerializer.serialize($0) })
        case (.failure(let a), .failure(let b)):
            #expect(a.code == b.code)
        default:
            Issue.record("\(source) on \(record): plan gave \(planned), general evaluator gave \(general)")
        }
    }

    @Test func bindingsThatShadowBuiltinsAreHonoured() throws {
        let expression = try JSONataExpression("$uppercase(SKU)")
        #expect(try expression.evaluate(["SKU": "a"]) == "A")
        // Bound to a string, `$uppercase` is no longer a function: calling it is an error, not an upper-casing.
        #expect(throws: JSONataError.self) {
            try expression.evaluate(["SKU": "a"], bindings: ["uppercase": "not a function"])
        }
    }
}
