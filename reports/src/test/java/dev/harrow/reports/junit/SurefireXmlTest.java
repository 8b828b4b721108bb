package dev.harrow.reports.junit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.harrow.reports.summary.SummaryFixtures;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

class SurefireXmlTest {
    @TempDir
    Path dir;

    @Test
    void oneSurefireFilePerClassWithFlakyAndRerunTriesAsSurefireWritesThem() throws Exception {
        Files.writeString(dir.resolve("TEST-stale.Old.xml"), "<testsuite/>");

        List<Path> files = SurefireXml.write(SummaryFixtures.everyKindOfVerdict(), dir);

        assertThat(files).extracting(p -> p.getFileName().toString()).containsExactly(
                "TEST-shop.Checkout.xml", "TEST-shop.Offline.xml", "TEST-shop.Push.xml");
        assertThat(dir.resolve("TEST-stale.Old.xml")).doesNotExist();

        Element checkout = parse(dir.resolve("TEST-shop.Checkout.xml"));
        assertThat(checkout.getAttribute("tests")).isEqualTo("3");
        assertThat(checkout.getAttribute("failures")).isEqualTo("0");
        assertThat(checkout.getAttribute("errors")).isEqualTo("0");
        Element refunds = testcase(checkout, "refunds[pool]");
        assertThat(refunds.getAttribute("classname")).isEqualTo("shop.Checkout");
        assertThat(refunds.getAttribute("time")).isEqualTo("0.900");
        Element flaky = only(refunds, "flakyFailure");
        assertThat(flaky.getAttribute("type")).isEqualTo("AssertionFailedError");
        assertThat(only(flaky, "stackTrace").getTextContent()).contains("expected 2 events");
        assertThat(refunds.getElementsByTagName("failure").getLength()).isZero();
        Element dropped = testcase(checkout, "survivesADroppedDevice[pool]");
        // A try lost with its device says nothing about the scenario: a pass after it is a pass, not flaky.
        assertThat(dropped.getElementsByTagName("flakyError").getLength()).isZero();
        assertThat(only(dropped, "system-out").getTextContent()).contains("lost to the infrastructure");

        Element offline = parse(dir.resolve("TEST-shop.Offline.xml"));
        assertThat(offline.getAttribute("tests")).isEqualTo("4");
        assertThat(offline.getAttribute("failures")).isEqualTo("1");
        assertThat(offline.getAttribute("errors")).isEqualTo("2");
        assertThat(offline.getAttribute("skipped")).isEqualTo("1");
        Element queues = testcase(offline, "queues[pool]");
        assertThat(only(queues, "failure").getAttribute("message")).isEqualTo("AssertionFailedError: 3 events lost");
        assertThat(only(queues, "rerunFailure").getTextContent()).contains("2 events lost");
        assertThat(only(testcase(offline, "stranded[pool]"), "error").getAttribute("type")).isEqualTo("NotRun");
        assertThat(only(testcase(offline, "skips[pool]"), "skipped").getAttribute("message")).isEqualTo("needs push");

        Element push = parse(dir.resolve("TEST-shop.Push.xml"));
        assertThat(push.getAttribute("skipped")).isEqualTo("1");
        assertThat(only(testcase(push, "arrives"), "skipped").getAttribute("message"))
                .startsWith("not runnable on this pool (needs ios, push-inbox)");
    }

    private static Element parse(Path file) throws Exception {
        Document doc = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(file.toFile());
        Element root = doc.getDocumentElement();
        assertThat(root.getTagName()).isEqualTo("testsuite");
        return root;
    }

    private static Element testcase(Element suite, String name) {
        NodeList cases = suite.getElementsByTagName("testcase");
        for (int i = 0; i < cases.getLength(); i++) {
            Element c = (Element) cases.item(i);
            if (c.getAttribute("name").equals(name)) {
                return c;
            }
        }
        throw new AssertionError("no testcase " + name);
    }

    private static Element only(Element parent, String tag) {
        NodeList nodes = parent.getElementsByTagName(tag);
        assertThat(nodes.getLength()).as(tag + " in " + parent.getAttribute("name")).isEqualTo(1);
        return (Element) nodes.item(0);
    }
}
