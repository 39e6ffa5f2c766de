package dev.syncmat.examples.http;

import com.networknt.schema.Error;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.dialect.Dialects;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.dataformat.yaml.YAMLMapper;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * The service's written wire contract, {@code docs/openapi.yaml} with the JSON Schemas in
 * {@code docs/schemas/}, as a checker of real exchanges: whether the status of an answer is
 * declared for its path and method, whether the headers the document requires are there, and
 * whether its body matches the declared schema (networknt's validator, OpenAPI 3.1 dialect, the
 * schemas themselves in draft 2020-12). Schemas are loaded from the files by their location in the
 * document, so a {@code $ref} is followed as any OpenAPI tool would follow it.
 */
final class WireContract {
    /** The document, from the module's directory (where Maven runs the tests). */
    static final Path OPENAPI = Path.of("..", "docs", "openapi.yaml").toAbsolutePath().normalize();
    private static final String ANY_REQUEST = "x-syncmat-any-request";

    private final JsonNode document;
    private final String uri;
    /** Serves the files under docs/ to the validator, and nothing else: it fetches nothing remote. */
    private final SchemaRegistry registry = SchemaRegistry.withDefaultDialect(Dialects.getOpenApi31(),
            b -> b.resourceLoaders(r -> r.resources(WireContract::docsFile)));
    private final Map<String, Schema> schemas = new ConcurrentHashMap<>();

    private WireContract(JsonNode document, String uri) {
        this.document = document;
        this.uri = uri;
    }

    static WireContract load() throws Exception {
        return new WireContract(YAMLMapper.builder().build().readTree(Files.readString(OPENAPI)), OPENAPI.toUri().toString());
    }

    /** One exchange with the service: what was asked, and what came back. */
    record Exchange(String method, String target, String requestBody, HttpTesting.Reply reply) {
        String path() {
            int q = target.indexOf('?');
            return q < 0 ? target : target.substring(0, q);
        }

        @Override
        public String toString() {
            return method + " " + (target.length() > 80 ? target.substring(0, 77) + "..." : target) + (reply == null ? "" : " -> " + reply.status());
        }
    }

    /** The document's path template matching a raw request path, or null. */
    String pathTemplate(String path) {
        for (var it = document.get("paths").propertyNames().iterator(); it.hasNext(); ) {
            String template = it.next();
            String regex = Pattern.quote(template).replaceAll("\\{[^}]+}", "\\\\E[^/]+\\\\Q");
            if (path.matches(regex)) {
                return template;
            }
        }
        return null;
    }

    /** Everything about {@code exchange} that breaks the contract; empty when it keeps it. */
    List<String> violations(Exchange exchange) {
        List<String> problems = new ArrayList<>();
        HttpTesting.Reply reply = exchange.reply();
        String status = Integer.toString(reply.status());
        String template = pathTemplate(exchange.path());
        String operation = template == null ? null
                : "/paths/" + escape(template) + "/" + exchange.method().toLowerCase(Locale.ROOT);
        String response = null;
        if (operation != null && document.at(operation + "/responses/" + status).isObject()) {
            response = operation + "/responses/" + status;
        } else if (document.at("/" + ANY_REQUEST + "/responses/" + status).isObject()) {
            response = "/" + ANY_REQUEST + "/responses/" + status;
        }
        if (response == null) {
            problems.add(exchange + ": status " + status + " is not declared for " + (operation == null ? "any request" : operation));
            return problems;
        }
        response = resolve(response);
        JsonNode declared = document.at(response);
        for (var it = declared.path("headers").propertyNames().iterator(); it.hasNext(); ) {
            String name = it.next();
            String header = resolve(response + "/headers/" + escape(name));
            if (document.at(header + "/required").asBoolean(false)) {
                String value = reply.header(name);
                if (value == null) {
                    problems.add(exchange + ": required header " + name + " is missing");
                } else {
                    problems.addAll(check(exchange + ": header " + name, header + "/schema", headerValue(document.at(header + "/schema"), value)));
                }
            }
        }
        JsonNode content = declared.path("content");
        if (content.isObject()) {
            String contentType = reply.header("content-type");
            String mediaType = contentType == null ? null : contentType.split(";")[0].trim();
            if (mediaType == null || !content.has(mediaType)) {
                problems.add(exchange + ": content type " + contentType + " is not declared (" + content.propertyNames() + ")");
            } else if (mediaType.equals("application/json")) {
                problems.addAll(validate(exchange.toString(), response + "/content/application~1json/schema", reply.text()));
            }
        }
        return problems;
    }

    /** The violations of a request body that the service accepted, against the operation's request schema. */
    List<String> requestViolations(Exchange exchange) {
        String template = pathTemplate(exchange.path());
        String schema = "/paths/" + escape(template) + "/" + exchange.method().toLowerCase(Locale.ROOT)
                + "/requestBody/content/application~1json/schema";
        if (!document.at(schema).isObject()) {
            return List.of(exchange + ": no request body is declared");
        }
        return validate(exchange + " (request)", schema, exchange.requestBody());
    }

    /**
     * The violations of {@code json} against the schema at {@code pointer} in the document.
     */
    List<String> validate(String what, String pointer, String json) {
        List<String> problems = new ArrayList<>();
        for (Error e : schema(pointer).validate(json, InputFormat.JSON, WireContract::english)) {
            problems.add(what + ": " + e.getInstanceLocation() + " " + e.getMessage());
        }
        return problems;
    }

    /** The schema of the {@code application/json} body of the response at {@code responsePointer}, $refs followed. */
    String bodySchema(String responsePointer) {
        return resolve(responsePointer) + "/content/application~1json/schema";
    }

    private List<String> check(String what, String pointer, JsonNode value) {
        List<String> problems = new ArrayList<>();
        for (Error e : schema(pointer).validate(value, WireContract::english)) {
            problems.add(what + ": " + e.getMessage());
        }
        return problems;
    }

    /** Messages in English whatever the default locale (the tests run under a Turkish one). */
    private static void english(com.networknt.schema.ExecutionContext context) {
        context.executionConfig(c -> c.locale(Locale.ENGLISH));
    }

    private Schema schema(String pointer) {
        return schemas.computeIfAbsent(pointer, p -> registry.getSchema(SchemaLocation.of(uri + "#" + p)));
    }

    /** Follows local {@code $ref}s from the node at {@code pointer} to the node that holds the definition. */
    private String resolve(String pointer) {
        String at = pointer;
        for (int hops = 0; hops < 10; hops++) {
            JsonNode ref = document.at(at).get("$ref");
            if (ref == null) {
                return at;
            }
            String target = ref.asString();
            if (!target.startsWith("#/")) {
                throw new IllegalStateException("only local references are followed here, not " + target + " at " + at);
            }
            at = target.substring(1);
        }
        throw new IllegalStateException("a cycle of references from " + pointer);
    }

    private static JsonNode headerValue(JsonNode schema, String value) {
        if ("integer".equals(schema.path("type").asString(""))) {
            try {
                return JsonNodeFactory.instance.numberNode(Long.parseLong(value.trim()));
            } catch (NumberFormatException e) {
                return JsonNodeFactory.instance.stringNode(value);
            }
        }
        return JsonNodeFactory.instance.stringNode(value);
    }

    /** The text of a file under docs/ named by a {@code file:} IRI, or null for any other IRI. */
    private static String docsFile(String iri) {
        Path docs = OPENAPI.getParent();
        if (!iri.startsWith("file:")) {
            return null;
        }
        Path file = Path.of(java.net.URI.create(iri)).normalize();
        if (!file.startsWith(docs) || !Files.isRegularFile(file)) {
            return null;
        }
        try {
            return Files.readString(file);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** A JSON pointer segment. */
    static String escape(String segment) {
        return segment.replace("~", "~0").replace("/", "~1");
    }
}
