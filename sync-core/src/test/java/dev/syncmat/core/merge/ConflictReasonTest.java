package dev.syncmat.core.merge;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ConflictReasonTest {
    @Test
    void builtInCodesAreSpelledAsTheirConstantsAndComeBackAsThem() {
        assertThat(ConflictReason.builtIn()).extracting(ConflictReason::code)
                .containsExactly("DELETE_WINS", "UPDATE_WINS", "PAYLOAD_ORDER", "OP_ID_ORDER");
        for (ConflictReason r : ConflictReason.builtIn()) {
            assertThat(ConflictReason.of(r.code())).isSameAs(r);
            assertThat(r.isBuiltIn()).isTrue();
            assertThat(r).hasToString(r.code());
        }
    }

    @Test
    void customCodeIsEqualByItsCode() {
        ConflictReason a = ConflictReason.of("longer_title");
        assertThat(a.code()).isEqualTo("longer_title");
        assertThat(a).isEqualTo(ConflictReason.of("longer_title")).hasSameHashCodeAs(ConflictReason.of("longer_title"));
        assertThat(a).isNotEqualTo(ConflictReason.of("longer-title"));
        assertThat(a.isBuiltIn()).isFalse();
        assertThat(ConflictReason.of("delete_wins")).as("codes are case-sensitive").isNotEqualTo(ConflictReason.DELETE_WINS);
        assertThat(ConflictReason.of("v2.Title-Length_9").code()).isEqualTo("v2.Title-Length_9");
        assertThat(ConflictReason.of("x".repeat(ConflictReason.MAX_LENGTH)).code()).hasSize(64);
    }

    @Test
    void badCodesAreRefusedWithTheReason() {
        assertThatThrownBy(() -> ConflictReason.of("")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("reason code must not be empty");
        assertThatThrownBy(() -> ConflictReason.of("x".repeat(65))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("reason code must be at most 64 characters, but had 65");
        assertThatThrownBy(() -> ConflictReason.of("longer title")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("reason code may hold only A-Z a-z 0-9 _ . -, but was \"longer title\"");
        assertThatThrownBy(() -> ConflictReason.of("_x")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("reason code must start with an ASCII letter or digit, but was \"_x\"");
        assertThatThrownBy(() -> ConflictReason.of("é")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("must start with an ASCII letter or digit");
        assertThatThrownBy(() -> ConflictReason.of("a\nb")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("reason code may hold only A-Z a-z 0-9 _ . -, but was \"a\\u000ab\"");
        assertThatThrownBy(() -> ConflictReason.of(null)).isInstanceOf(NullPointerException.class);
    }
}
