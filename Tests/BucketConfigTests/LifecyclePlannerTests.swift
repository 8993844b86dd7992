import OSSProtocol
import Testing
@testable import BucketConfig

@Suite struct LifecyclePlannerTests {
    func object(_ key: String, modified: Int64 = march1 + 3_600_000, size: Int64 = 100, storageClass: String = "Standard",
                tags: [ObjectTag] = []) -> LifecyclePlanner.Object {
        LifecyclePlanner.Object(key: key, lastModified: modified, size: size, storageClass: storageClass, tags: tags)
    }

    @Test func daysCountFromTheNextUTCMidnight() {
        // Modified 01:00 on March 1: rounded up to March 2, so one day is due at March 3 00:00.
        let modified = march1 + 3_600_000
        #expect(!LifecyclePlanner.isDue(.days(1), since: modified, now: march1 + 2 * day - 1000))
        #expect(LifecyclePlanner.isDue(.days(1), since: modified, now: march1 + 2 * day))
        // Exactly at midnight: no rounding.
        #expect(LifecyclePlanner.isDue(.days(1), since: march1, now: march1 + day))
        #expect(LifecyclePlanner.isDue(.createdBefore(march1 / 1000 + 86_400), since: modified, now: 0))
        #expect(!LifecyclePlanner.isDue(.createdBefore(march1 / 1000), since: modified, now: .max))
    }

    @Test func expiryWinsAndTransitionsGoOnlyColder() {
        let planner = LifecyclePlanner(LifecycleConfiguration(rules: [
            LifecycleRule(id: "r", prefix: "p/", expiration: LifecycleExpiration(.days(10)),
                          transitions: [LifecycleTransition(time: .days(2), storageClass: "IA"),
                                        LifecycleTransition(time: .days(5), storageClass: "Archive")]),
        ]))
        let now = march1 + 7 * day
        #expect(planner.action(for: object("p/a"), now: march1) == nil)
        #expect(planner.action(for: object("p/a"), now: now) == .transition(to: "Archive"))
        #expect(planner.action(for: object("p/a", storageClass: "Archive"), now: now) == nil)
        #expect(planner.action(for: object("p/a", storageClass: "ColdArchive"), now: now) == nil)
        #expect(planner.action(for: object("p/a"), now: march1 + 12 * day) == .expire)
        #expect(planner.action(for: object("q/a"), now: march1 + 12 * day) == nil)
    }

    @Test func filtersAndDisabledRules() {
        let tag = ObjectTag(key: "temp", value: "yes")
        let planner = LifecyclePlanner(LifecycleConfiguration(rules: [
            LifecycleRule(id: "tagged", prefix: "", tags: [tag],
                          filter: LifecycleFilter(not: [LifecycleNot(prefix: "keep/")], objectSizeGreaterThan: 10, objectSizeLessThan: 1000),
                          expiration: LifecycleExpiration(.days(1))),
            LifecycleRule(id: "off", prefix: "", enabled: false, expiration: LifecycleExpiration(.days(1))),
        ]))
        let now = march1 + 30 * day
        #expect(planner.needsTags)
        #expect(planner.action(for: object("a", tags: [tag]), now: now) == .expire)
        #expect(planner.action(for: object("a"), now: now) == nil)
        #expect(planner.action(for: object("keep/a", tags: [tag]), now: now) == nil)
        #expect(planner.action(for: object("a", size: 10, tags: [tag]), now: now) == nil)
        #expect(planner.action(for: object("a", size: 1000, tags: [tag]), now: now) == nil)
    }

    @Test func uploadsAbortAfterTheirDays() {
        let planner = LifecyclePlanner(LifecycleConfiguration(rules: [
            LifecycleRule(id: "abort", prefix: "up/", abortMultipartUpload: .days(2)),
            LifecycleRule(id: "tagged", prefix: "", tags: [ObjectTag(key: "k", value: "v")], abortMultipartUpload: .days(1)),
        ]))
        #expect(!planner.abortsUpload(key: "up/a", initiated: march1, now: march1 + day))
        #expect(planner.abortsUpload(key: "up/a", initiated: march1, now: march1 + 2 * day))
        #expect(!planner.abortsUpload(key: "other", initiated: march1, now: march1 + 9 * day))
    }
}
