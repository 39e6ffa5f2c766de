package dev.syncmat.jdbi;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** {@link StoredForms.HeadFinder}: the stored head of each op id, walking or by map, never another's. */
class HeadFinderTest {
    /** Stored heads h0..h(n-1) as a row holds them; those in {@code legacy} without their text. */
    private static List<StoredForms.StoredHead> stored(int n, int... legacy) {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < n; i++) {
            sb.append(i > 0 ? "," : "").append("[\"h").append(i).append("\",\"note\",\"update\",{\"w").append(i)
                    .append("\":1},[],\"#AAAAAAAAAAA\"]");
        }
        List<StoredForms.StoredHead> heads = new ArrayList<>(StoredForms.parseOtherHeads(sb.append(']').toString()));
        for (int i : legacy) {
            StoredForms.StoredHead h = heads.get(i);
            heads.set(i, new StoredForms.StoredHead(h.opId(), h.objectType(), h.kind(), h.clock(), "{}", h.tags(),
                    h.timestamp(), null, null));
        }
        return heads;
    }

    @Test
    void keptHeadsAreFoundInOrderAroundAddedAndRemovedOnes() {
        List<StoredForms.StoredHead> heads = stored(10);
        StoredForms.HeadFinder f = new StoredForms.HeadFinder(heads);
        // h2 and h3 were removed, "new" was added between h4 and h5.
        assertThat(f.find("h0")).isEqualTo(0);
        assertThat(f.find("h1")).isEqualTo(1);
        assertThat(f.find("h4")).isEqualTo(4);
        assertThat(f.find("new")).isEqualTo(-1);
        assertThat(f.find("h5")).isEqualTo(5);
        assertThat(f.head("h9")).isSameAs(heads.get(9));
        assertThat(heads.get(9).digest()).isEqualTo("#AAAAAAAAAAA");
    }

    @Test
    void headsOutOfOrderAndManyAddedOnesAreFoundByMap() {
        List<StoredForms.StoredHead> heads = stored(10);
        StoredForms.HeadFinder f = new StoredForms.HeadFinder(heads);
        assertThat(f.find("h8")).isEqualTo(8);
        // Behind the walk: not found by it, and after a few such misses, found by op id.
        for (int k = 0; k < 6; k++) {
            assertThat(f.find("x" + k)).isEqualTo(-1);
        }
        assertThat(f.find("h2")).isEqualTo(2);
        assertThat(f.find("h8")).isEqualTo(8);
        assertThat(f.find("x0")).isEqualTo(-1);
    }

    @Test
    void aHeadWithoutItsTextIsNotFoundEitherWay() {
        List<StoredForms.StoredHead> heads = stored(6, 3);
        StoredForms.HeadFinder walk = new StoredForms.HeadFinder(heads);
        assertThat(walk.find("h3")).isEqualTo(-1);
        assertThat(walk.find("h4")).isEqualTo(4);
        StoredForms.HeadFinder map = new StoredForms.HeadFinder(heads);
        for (int k = 0; k < 4; k++) {
            map.find("x" + k);
        }
        assertThat(map.find("h3")).isEqualTo(-1);
        assertThat(map.find("h1")).isEqualTo(1);
    }
}
