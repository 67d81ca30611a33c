package org.superres.model;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigObject;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.superres.config.ConfigError;
import org.superres.engine.ModelKind;

/** The model catalog (models/catalog.conf, bundled in the jar as superres/catalog.conf). */
public final class ModelCatalog {
  public static final String RESOURCE = "superres/catalog.conf";

  private final Map<String, CatalogEntry> entries;

  private ModelCatalog(Map<String, CatalogEntry> entries) {
    this.entries = Collections.unmodifiableMap(entries);
  }

  public static ModelCatalog load() {
    Config c = ConfigFactory.parseResources(ModelCatalog.class.getClassLoader(), RESOURCE);
    if (!c.hasPath("models")) {
      throw new IllegalStateException(RESOURCE + " is missing from the classpath");
    }
    return parse(c);
  }

  static ModelCatalog parse(Config c) {
    Map<String, CatalogEntry> entries = new LinkedHashMap<>();
    ConfigObject models = c.getObject("models");
    for (String name : models.keySet()) {
      Config m = c.getConfig("models.\"" + name + "\"");
      entries.put(
          name,
          new CatalogEntry(
              name,
              ModelKind.parse(m.getString("kind")),
              m.getInt("scale"),
              m.getString("file"),
              m.getString("sha256"),
              m.getLong("bytes"),
              m.hasPath("url") ? m.getString("url") : null,
              m.getString("license"),
              m.hasPath("bundled") && m.getBoolean("bundled")));
    }
    return new ModelCatalog(entries);
  }

  public List<CatalogEntry> entries() {
    return new ArrayList<>(entries.values());
  }

  public CatalogEntry get(String name) {
    CatalogEntry e = entries.get(name);
    if (e == null) {
      throw new ConfigError(
          "unknown model '"
              + name
              + "': not in the catalog ("
              + String.join(", ", entries.keySet())
              + "); give a file with --model URI or model.uri");
    }
    return e;
  }

  public boolean contains(String name) {
    return entries.containsKey(name);
  }
}
