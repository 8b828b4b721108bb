package dev.harrow.backend.http;

import java.io.IOException;

/** Handles one route. Throwing leaves a 500 response to the server; handlers answer every expected failure. */
@FunctionalInterface
public interface ApiHandler {
    void handle(ApiExchange exchange) throws IOException;
}
