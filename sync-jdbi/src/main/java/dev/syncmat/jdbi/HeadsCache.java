package dev.syncmat.jdbi;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.syncmat.core.clock.ContextAliases;
import dev.syncmat.core.op.Op;
import dev.syncmat.core.op.OpKind;
import dev.syncmat.core.op.Payload;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What a store keeps of the objects it merges into, so that the next push beside them need not
 * read and parse them again: an object's other heads as parsed from its row's {@code other_heads},
 * and its context aliases as parsed from its {@code sync_aliases} rows, each under the SHA-256 of
 * the stored text it stands for. A push that holds an entry for an object asks for it with
 * {@code objects_by_ids_known}: the database hashes what it holds and leaves out the text whose
 * hash is the entry's. So an entry is used only while the stored text is exactly what it was made
 * from, whoever wrote the rows in the meantime (another store or process, a rebuild, a purge, a
 * restored backup, a hand edit), and nothing ever has to be invalidated. Entries are made from
 * what a push reads and from what it writes (so the next push finds the row it left), before the
 * transaction commits: an entry of a write that rolled back names text the database never held,
 * and is never used.
 *
 * <p>Only objects whose stored heads are at least {@link #MIN_CHARS} characters long, or that have
 * aliases, are kept: for the rest a read costs less. Bounded by
 * {@link StoreOptions#headsCacheChars()} characters of the stored text behind the entries (the
 * parsed form takes about 9 bytes of heap per character of stored heads); past it, Caffeine drops the entries least likely
 * to be used again (by recency and frequency). 0 keeps nothing.
 * Thread-safe: entries are immutable.
 */
final class HeadsCache {
    /** The shortest stored heads text worth keeping: about 100 heads. */
    static final int MIN_CHARS = 4096;

    /**
     * The longest payload an entry keeps with its head: the payloads a merge compares are then
     * read from the journal once, not by every push beside them, while an entry of many heads with
     * large payloads costs no more than its heads.
     */
    static final int MAX_PAYLOAD_CHARS = 1024;

    /**
     * The payload of a kept op whose payload lives in the journal: never read, since every read
     * swaps in a payload of its own; reading it is a bug and fails loudly.
     */
    static final Payload TEMPLATE_PAYLOAD = Payload.deferred(() -> {
        throw new IllegalStateException("the payload of a kept head was used without being read from the journal");
    });

    /** A cache that keeps nothing: for work that reads many objects once (replay). */
    static final HeadsCache OFF = new HeadsCache(0);

    /**
     * One object's entry: its parsed other heads, with the hash and length of their stored text;
     * its aliases with the stored text of each (alias k at k - 1) and their hash (the aliases part
     * is null when the object has none); and, once a read has built them, the heads as ops expanded
     * under those aliases, in the same order, whose payloads from the journal are either kept (a
     * payload of at most {@link #MAX_PAYLOAD_CHARS} that a push had read or written, and whose
     * digest is the stored head's) or {@link #TEMPLATE_PAYLOAD} (each read gives them its own with
     * {@link Op#withPayload}), or null. Kept payloads count in the entry's weight.
     */
    record Entry(String headsHash, List<StoredForms.StoredHead> heads, int headsChars,
                 String aliasesHash, ContextAliases aliases, List<String> aliasTexts, List<Op> templates) {
        static final Entry NONE = new Entry(null, null, 0, null, null, List.of(), null);

        Entry {
            heads = heads == null ? null : List.copyOf(heads);
            aliasTexts = List.copyOf(aliasTexts);
            templates = templates == null ? null : List.copyOf(templates);
        }

        /** The aliases, {@link ContextAliases#none()} when the object has none. */
        ContextAliases aliasesOrNone() {
            return aliases == null ? ContextAliases.none() : aliases;
        }

        int weight() {
            int w = headsChars;
            for (String t : aliasTexts) {
                w += t.length();
            }
            if (templates != null) {
                for (Op t : templates) {
                    if (t.payload() != null && t.payload() != TEMPLATE_PAYLOAD) {
                        w += t.payload().json().length();
                    }
                }
            }
            return w;
        }
    }

    private record Key(String tenant, String objectId) {
    }

    private final Cache<Key, Entry> entries;
    private final int minChars;
    private final AtomicLong headsHits = new AtomicLong();
    private final AtomicLong aliasesHits = new AtomicLong();
    private final AtomicLong stale = new AtomicLong();
    private final AtomicLong payloadHits = new AtomicLong();

    HeadsCache(long maxChars) {
        this(maxChars, MIN_CHARS);
    }

    /** With another threshold than {@link #MIN_CHARS}: for tests that want every object kept. */
    HeadsCache(long maxChars, int minChars) {
        if (maxChars < 0) {
            throw new IllegalArgumentException("maxChars must be >= 0, but was " + maxChars);
        }
        this.minChars = minChars;
        // Evictions run on the pushing thread: no background work, and the bound holds when a put returns.
        this.entries = maxChars == 0 ? null : Caffeine.newBuilder().maximumWeight(maxChars)
                .weigher((Key k, Entry e) -> e.weight()).executor(Runnable::run).build();
    }

    /** Whether anything is kept at all (a bound above 0). */
    boolean enabled() {
        return entries != null;
    }

    /** What is kept of the object, or {@link Entry#NONE}. */
    Entry get(String tenant, String objectId) {
        if (entries == null) {
            return Entry.NONE;
        }
        Entry e = entries.getIfPresent(new Key(tenant, objectId));
        return e == null ? Entry.NONE : e;
    }

    /** Whether an object whose stored heads are {@code headsChars} long, with aliases or not, is worth keeping. */
    boolean worthKeeping(int headsChars, boolean hasAliases) {
        return entries != null && (headsChars >= minChars || hasAliases);
    }

    /** Keeps {@code e} for the object when it is worth it, else forgets the object. */
    void put(String tenant, String objectId, Entry e) {
        if (entries == null) {
            return;
        }
        Key key = new Key(tenant, objectId);
        if (worthKeeping(e.headsChars(), e.aliases() != null && e.aliases().latest() > 0)) {
            entries.put(key, e);
        } else {
            entries.invalidate(key);
        }
    }

    /**
     * Keeps what a push writes of an object: its heads {@code ranked} from the winner down, the
     * others as {@code written} to the row, where a head found in {@code read} (by op id, the row's
     * other heads as read before, in rank order) with the same text is taken as parsed then, and
     * its {@code aliases}.
     */
    void wrote(String tenant, String objectId, List<Op> ranked, StoredForms.OtherHeads written,
               List<StoredForms.StoredHead> read, ContextAliases aliases) {
        if (entries == null) {
            return;
        }
        List<String> texts = written.texts();
        String text = written.json();
        int chars = text == null ? 0 : text.length();
        if (!worthKeeping(chars, aliases.latest() > 0)) {
            entries.invalidate(new Key(tenant, objectId));
            return;
        }
        Entry prior = get(tenant, objectId);
        // Kept heads keep their parsed form, and their op if the prior entry had them under these
        // aliases or under aliases these extend (a stored head names none of the added ones).
        boolean sameAliases = prior.aliasesOrNone() == aliases;
        boolean keepOps = sameAliases || aliases.extend(prior.aliasesOrNone());
        List<Op> priorOps = keepOps ? prior.templates() : null;
        // The prior entry's ops line up with the heads read when the read used that entry (the usual
        // case); else they are found by op id.
        boolean aligned = priorOps != null && prior.heads() == read;
        Map<String, Op> priorById = new HashMap<>();
        if (priorOps != null && !aligned) {
            for (Op t : priorOps) {
                priorById.put(t.opId(), t);
            }
        }
        StoredForms.HeadFinder finder = new StoredForms.HeadFinder(read);
        List<StoredForms.StoredHead> heads = new ArrayList<>(texts.size());
        // The state's ops are expanded under the push's aliases, which these are or extend.
        List<Op> templates = new ArrayList<>(texts.size());
        for (int i = 0; i < texts.size(); i++) {
            Op op = ranked.get(i + 1);
            int at = finder.find(op.opId());
            StoredForms.StoredHead h = at < 0 ? null : read.get(at);
            Op priorOp = aligned ? (at < 0 ? null : priorOps.get(at)) : priorById.get(op.opId());
            // A head written anew is parsed alone, exactly as the whole text would parse it.
            boolean sameText = h != null && texts.get(i).equals(h.text());
            StoredForms.StoredHead head = sameText ? h : StoredForms.parseOtherHeads("[" + texts.get(i) + "]").get(0);
            heads.add(head);
            templates.add(template(priorOp, op, head, sameText));
        }
        Entry e;
        if (aliases.latest() == 0) {
            e = new Entry(hash(text), heads, chars, null, null, List.of(), templates);
        } else if (sameAliases) {
            e = new Entry(hash(text), heads, chars, prior.aliasesHash(), aliases, prior.aliasTexts(), templates);
        } else {
            List<String> aliasTexts = new ArrayList<>(aliases.latest());
            for (int k = 1; k <= aliases.latest(); k++) {
                aliasTexts.add(aliases.stored(k).toJson());
            }
            e = new Entry(hash(text), heads, chars, aliasesHash(aliasTexts), aliases, aliasTexts, templates);
        }
        entries.put(new Key(tenant, objectId), e);
    }

    /**
     * The op an entry keeps for {@code head}, the state's {@code op} (expanded under the entry's
     * aliases) as written: the prior entry's when it keeps the payload or op's is not at hand; an
     * update with op's payload when that is read already, short, and the one the stored head's
     * digest names (so the entry holds exactly what the row refers to); else with
     * {@link #TEMPLATE_PAYLOAD}. A kept payload is a copy, holding nothing of the push's transaction.
     * A head whose text was written anew ({@code sameText} false) has its digest checked again.
     */
    private static Op template(Op prior, Op op, StoredForms.StoredHead head, boolean sameText) {
        if (op.kind() != OpKind.UPDATE) {
            return prior != null ? prior : op;
        }
        if (prior != null && prior.payload() != TEMPLATE_PAYLOAD) {
            // A kept payload stays while its head's text does, else only if the new text names it.
            if (sameText || Objects.equals(head.digest(), StoredForms.digest(prior.payload().json()))) {
                return prior;
            }
            prior = prior.withPayload(TEMPLATE_PAYLOAD);
        }
        Payload p = op.payload();
        Op base = prior != null ? prior : op;
        if (head.digest() != null && p.isRead() && p.json().length() <= MAX_PAYLOAD_CHARS
                && head.digest().equals(StoredForms.digest(p.json()))) {
            return base.withPayload(Payload.ofCanonicalJson(p.json()));
        }
        return prior != null ? prior : op.withPayload(TEMPLATE_PAYLOAD);
    }

    /** Counts payloads of heads a read took from a kept entry instead of the journal. */
    void payloadHits(int n) {
        payloadHits.addAndGet(n);
    }

    /** How many payloads of heads reads took from kept entries instead of the journal. */
    long payloadHits() {
        return payloadHits.get();
    }

    /** Counts a read of an object's stored heads that a kept entry saved. */
    void headsHit() {
        headsHits.incrementAndGet();
    }

    /** Counts a read of an object's aliases that a kept entry saved. */
    void aliasesHit() {
        aliasesHits.incrementAndGet();
    }

    /** Counts a read that found the object's stored heads changed since its entry was made. */
    void headsChanged() {
        stale.incrementAndGet();
    }

    /** How many reads found stored heads changed since their entries were made. */
    long changedHeads() {
        return stale.get();
    }

    /** How many reads of stored heads kept entries saved. */
    long headsHits() {
        return headsHits.get();
    }

    /** How many reads of aliases kept entries saved. */
    long aliasesHits() {
        return aliasesHits.get();
    }

    /** How many characters of stored text the kept entries stand for (what the bound counts). */
    long keptChars() {
        return entries == null ? 0 : entries.policy().eviction().map(e -> e.weightedSize().orElse(0)).orElse(0L);
    }

    /** How many objects are kept, once pending evictions are done; for tests. */
    long size() {
        if (entries == null) {
            return 0;
        }
        entries.cleanUp();
        return entries.estimatedSize();
    }

    /**
     * The hash the database gives {@code other_heads} text: SHA-256 of its UTF-8 bytes, in lower-case
     * hex; null for null, as SQL's.
     */
    static String hash(String text) {
        if (text == null) {
            return null;
        }
        return HexFormat.of().formatHex(Sha256.of(text));
    }

    /** The hash the database gives an object's alias rows: of {@code "k:clock"} for each, in order, a newline between. */
    static String aliasesHash(List<String> texts) {
        if (texts.isEmpty()) {
            return null;
        }
        StringBuilder sb = new StringBuilder();
        for (int k = 1; k <= texts.size(); k++) {
            if (k > 1) {
                sb.append('\n');
            }
            sb.append(k).append(':').append(texts.get(k - 1));
        }
        return hash(sb.toString());
    }
}
