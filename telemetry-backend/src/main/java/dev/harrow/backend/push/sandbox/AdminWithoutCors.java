package dev.harrow.backend.push.sandbox;

import com.github.tomakehurst.wiremock.core.Options;
import com.github.tomakehurst.wiremock.http.AdminRequestHandler;
import com.github.tomakehurst.wiremock.http.HttpServer;
import com.github.tomakehurst.wiremock.http.HttpServerFactory;
import com.github.tomakehurst.wiremock.http.StubRequestHandler;
import com.github.tomakehurst.wiremock.jetty11.Jetty11HttpServer;
import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;
import wiremock.org.eclipse.jetty.servlet.FilterHolder;
import wiremock.org.eclipse.jetty.servlet.ServletContextHandler;
import wiremock.org.eclipse.jetty.servlet.ServletHandler;

/**
 * WireMock's server without the cross-origin filter it always puts on its admin API (any origin, credentials
 * allowed): a page open in a browser on this host must not even read what the admin API answers.
 */
final class AdminWithoutCors implements HttpServerFactory {
    @Override
    public HttpServer buildHttpServer(Options options, AdminRequestHandler admin, StubRequestHandler stub) {
        return new Jetty11HttpServer(options, admin, stub) {
            @Override
            protected void decorateAdminServiceContextAfterConfig(ServletContextHandler context) {
                ServletHandler handler = context.getServletHandler();
                Set<String> cors = Arrays.stream(handler.getFilters())
                        .filter(f -> f.getClassName() != null && f.getClassName().endsWith("CrossOriginFilter"))
                        .map(FilterHolder::getName).collect(Collectors.toSet());
                handler.setFilterMappings(Arrays.stream(handler.getFilterMappings())
                        .filter(m -> !cors.contains(m.getFilterName()))
                        .toArray(wiremock.org.eclipse.jetty.servlet.FilterMapping[]::new));
                handler.setFilters(Arrays.stream(handler.getFilters()).filter(f -> !cors.contains(f.getName()))
                        .toArray(FilterHolder[]::new));
            }
        };
    }
}
