package dev.harrow.backend.http;

/** The edge's message cleaning, for tests in other packages. */
public final class ApiExchangeAccess {
    private ApiExchangeAccess() {
    }

    public static String withoutClassNames(String message) {
        return ApiExchange.withoutClassNames(message);
    }
}
