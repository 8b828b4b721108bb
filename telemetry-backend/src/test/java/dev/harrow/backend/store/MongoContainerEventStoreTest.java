package dev.harrow.backend.store;

import org.testcontainers.containers.MongoDBContainer;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.utility.DockerImageName;

/** The same contract against a real MongoDB 7. Skipped where no Docker engine runs. */
@Testcontainers(disabledWithoutDocker = true)
class MongoContainerEventStoreTest extends EventStoreContract {
    @Container
    static final MongoDBContainer MONGO = new MongoDBContainer(DockerImageName.parse("mongo:7.0"));

    @Override
    String mongoUri() {
        return MONGO.getConnectionString();
    }
}
