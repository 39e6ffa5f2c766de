package dev.syncmat.core.testing;

import dev.syncmat.core.json.SyncJson;
import dev.syncmat.core.merge.MergePolicy;
import dev.syncmat.core.op.Op;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class MergePolicyLawsTest {
    private static final SyncJson JSON = SyncJson.create();

    /** Runs the default check, which must fail; prints the message as a user would see it. */
    private static MergePolicyLaws.Violation violationOf(MergePolicyLaws laws) {
        MergePolicyLaws.Violation v = catchThrowableOfType(MergePolicyLaws.Violation.class, laws::check);
        assertThat(v).as("a violation").isNotNull();
        System.out.println(v.getMessage());
        return v;
    }

    /** Every op of the counterexample appears in the message in its JSON wire form. */
    private static void assertListsItsOps(MergePolicyLaws.Violation v) {
        for (int i = 0; i < v.ops().size(); i++) {
            assertThat(v.getMessage()).contains("\n  " + (char) ('a' + i) + " = " + JSON.writeOp(v.ops().get(i)));
        }
    }

    @Test
    void builtInPoliciesObeyEveryLaw() {
        assertThatCode(() -> MergePolicyLaws.check(MergePolicy.deleteWins())).doesNotThrowAnyException();
        assertThatCode(() -> MergePolicyLaws.check(MergePolicy.updateWins())).doesNotThrowAnyException();
    }

    @Test
    void aLawfulCustomPolicyObeysEveryLawWithAnySeed() {
        assertThatCode(() -> MergePolicyLaws.check(new ExamplePolicies.LastWriterWins(), 7, 300))
                .doesNotThrowAnyException();
        assertThatCode(() -> MergePolicyLaws.of(new ExamplePolicies.LastWriterWins()).payloads("\"rock\"", "{\"n\":1}")
                .seed(8).tries(300).check()).doesNotThrowAnyException();
    }

    @Test
    void rockPaperScissorsBreaksTransitivityWithThreeMovesAsTheCounterexample() {
        MergePolicyLaws.Violation v = violationOf(MergePolicyLaws.of(new ExamplePolicies.RockPaperScissors())
                .payloads("\"rock\"", "\"paper\"", "\"scissors\""));

        assertThat(v.law()).isEqualTo(MergePolicyLaws.Law.TRANSITIVITY);
        assertThat(v.getMessage()).startsWith("merge policy \"rock-paper-scissors\" breaks the transitivity law: ");
        assertThat(v.ops()).hasSize(3);
        assertThat(v.ops()).extracting(op -> op.payload().json())
                .containsExactlyInAnyOrder("\"rock\"", "\"paper\"", "\"scissors\"");
        // Shrunk: nothing but the payloads is left to tell the three ops apart.
        for (Op op : v.ops()) {
            assertThat(JSON.writeOp(op)).isEqualTo("{\"opId\":\"a\",\"objectId\":\"o\",\"objectType\":\"note\","
                    + "\"kind\":\"update\",\"clock\":{\"a\":1},\"payload\":" + op.payload().json() + ",\"tags\":[]}");
        }
        assertListsItsOps(v);
        assertThat(v.getMessage()).contains("(seed 20261124, try ").contains("shrunk from 3 ops");
    }

    @Test
    void toleratingClockSkewBreaksTransitivityWithoutAnyHintAboutPayloads() {
        MergePolicyLaws.Violation v = violationOf(MergePolicyLaws.of(new ExamplePolicies.SkewTolerantLastWriterWins()));

        assertThat(v.law()).isEqualTo(MergePolicyLaws.Law.TRANSITIVITY);
        assertThat(v.ops()).hasSize(3);
        // Two steps within the tolerance (an op without timestamp is within it of anything), the ends beyond it.
        List<Instant> times = v.ops().stream().map(Op::timestamp).filter(Objects::nonNull).sorted().toList();
        assertThat(times).hasSizeGreaterThanOrEqualTo(2);
        assertThat(times.get(times.size() - 1).toEpochMilli() - times.get(0).toEpochMilli()).isGreaterThan(1000);
        assertListsItsOps(v);
    }

    @Test
    void incomingWinsTiesBreaksAntisymmetryWithOneOpAsTheCounterexample() {
        MergePolicyLaws.Violation v = violationOf(MergePolicyLaws.of(new ExamplePolicies.IncomingWinsTies()));

        assertThat(v.law()).isEqualTo(MergePolicyLaws.Law.ANTISYMMETRY);
        assertThat(v.getMessage()).startsWith("merge policy \"incoming-wins-ties\" breaks the antisymmetry law: "
                + "compare(a, a) is positive: an op must tie with itself");
        assertThat(v.ops()).hasSize(1);
        assertThat(v.getMessage()).contains("\n  a = {\"opId\":\"a\",\"objectId\":\"o\",\"objectType\":\"note\","
                + "\"kind\":\"update\",\"clock\":{\"a\":1},\"payload\":0,\"tags\":[]}\n");
    }

    @Test
    void aFairTieBreakThatTakesTurnsBreaksDeterminism() {
        MergePolicyLaws.Violation v = violationOf(MergePolicyLaws.of(new ExamplePolicies.FairTieBreak()));

        assertThat(v.law()).isEqualTo(MergePolicyLaws.Law.DETERMINISM);
        assertThat(v.getMessage()).startsWith("merge policy \"fair-tie-break\" breaks the determinism law: compare(a, a) returned ");
        assertThat(v.getMessage()).contains(" when asked again");
        assertThat(v.ops()).hasSize(1);
        assertThat(v.ops().get(0).isDelete()).isFalse();
        assertListsItsOps(v);
    }

    @Test
    void aMissingReasonForAStrictComparisonIsReported() {
        MergePolicyLaws.Violation v = violationOf(MergePolicyLaws.of(new ExamplePolicies.NoReason()));

        assertThat(v.law()).isEqualTo(MergePolicyLaws.Law.REASON);
        assertThat(v.ops()).hasSize(2);
        assertThat(v.getMessage()).contains("compare(a, b) is positive, but reason(a, b) is null");
        assertThat(v.ops().get(0).payload()).isNotEqualTo(v.ops().get(1).payload());
    }

    @Test
    void anExceptionFromComparingADeleteIsReportedWithTheDelete() {
        MergePolicyLaws.Violation v = violationOf(MergePolicyLaws.of(new ExamplePolicies.ReadsPayloadOfDeletes()));

        assertThat(v.law()).isEqualTo(MergePolicyLaws.Law.NO_EXCEPTION);
        assertThat(v.getCause()).isInstanceOf(NullPointerException.class);
        assertThat(v.ops()).hasSize(1);
        assertThat(v.ops().get(0).isDelete()).isTrue();
        assertThat(v.getMessage()).contains("compare(a, a) threw java.lang.NullPointerException");
    }

    @Test
    void anEmptyIdIsReported() {
        MergePolicyLaws.Violation v = violationOf(MergePolicyLaws.of(new ExamplePolicies.NoId()));

        assertThat(v.law()).isEqualTo(MergePolicyLaws.Law.ID);
        assertThat(v.getMessage()).contains("breaks the id law: id() returned \"\"");
    }

    @Test
    void checkOnReportsTheOpsItWasGivenWithoutShrinking() {
        Op rock = op("a", "\"rock\"");
        Op paper = op("b", "\"paper\"");
        Op scissors = op("c", "\"scissors\"");
        MergePolicyLaws laws = MergePolicyLaws.of(new ExamplePolicies.RockPaperScissors());

        MergePolicyLaws.Violation v = catchThrowableOfType(MergePolicyLaws.Violation.class,
                () -> laws.checkOn(List.of(rock, paper, scissors)));
        assertThat(v.law()).isEqualTo(MergePolicyLaws.Law.TRANSITIVITY);
        assertThat(v.ops()).containsExactlyInAnyOrder(rock, paper, scissors);
        assertThat(v.getMessage()).endsWith("(on the 3 ops given)");
        assertThatCode(() -> laws.checkOn(List.of(rock, paper))).doesNotThrowAnyException();
    }

    @Test
    void badSettingsAreRefusedWithTheValue() {
        assertThatThrownBy(() -> MergePolicyLaws.of(MergePolicy.deleteWins()).tries(0))
                .hasMessage("tries must be >= 1, but was 0");
        assertThatThrownBy(() -> MergePolicyLaws.of(MergePolicy.deleteWins()).payloads("{"))
                .hasMessageContaining("payload is not valid JSON");
    }

    private static Op op(String id, String payload) {
        return JSON.readOp("{\"opId\":\"" + id + "\",\"objectId\":\"o\",\"objectType\":\"game\",\"kind\":\"update\","
                + "\"clock\":{\"" + id + "\":1},\"payload\":" + payload + "}");
    }
}
