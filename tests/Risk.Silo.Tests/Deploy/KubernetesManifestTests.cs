using k8s;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using YamlDotNet.RepresentationModel;

namespace Risk.Silo.Tests.Deploy;

/// <summary>
/// deploy/k8s read as YAML: each manifest is well-formed for Kubernetes' own API types, and the pieces agree with each
/// other and with the silo (probes, the Orleans labels, RBAC, selectors, the secrets and where they are mounted).
/// </summary>
public class KubernetesManifestTests
{
    private static Manifest Deployment => Manifests.Single("Deployment", "risk-silo");
    private static YamlMappingNode PodSpec => Deployment.Root.At("spec.template.spec");
    private static IReadOnlyDictionary<string, string> PodLabels => Deployment.Root.At("spec.template.metadata").Map("labels").Strings();
    private static YamlMappingNode Silo => PodSpec.Maps("containers").Single(c => c.Text("name") == "silo");

    private static IReadOnlyDictionary<string, string> Config =>
        Manifests.Single("ConfigMap", Silo.Maps("envFrom").Single().At("configMapRef").Text("name")).Root.Map("data").Strings();

    /// <summary>The container's env entry of that name (value or valueFrom).</summary>
    private static YamlMappingNode Env(string name) => Silo.Maps("env").Single(e => e.Text("name") == name);

    [Fact]
    public void Every_manifest_names_its_api_version_kind_and_name()
    {
        var all = Manifests.All;
        Assert.NotEmpty(all);
        foreach (var manifest in all)
        {
            Assert.False(string.IsNullOrWhiteSpace(manifest.Root.Text("apiVersion")), $"{manifest}: no apiVersion");
            Assert.False(string.IsNullOrWhiteSpace(manifest.Kind), $"{manifest}: no kind");
            Assert.False(string.IsNullOrWhiteSpace(manifest.Name), $"{manifest}: no metadata.name");
        }
        // Kustomize would refuse a second object of the same kind and name.
        Assert.Equal(all.Count, all.Select(m => (m.Kind, m.Name)).Distinct().Count());
    }

    /// <summary>
    /// Each object is read into Kubernetes' own API type (KubernetesClient's models) strictly: a misspelt or misplaced
    /// field, or a number where a string belongs, fails here as the API server would refuse it. No schema validator
    /// (kubeconform) is packaged for Debian, so this stands in for one.
    /// </summary>
    [Fact]
    public void Every_object_reads_strictly_as_its_Kubernetes_API_type()
    {
        foreach (var file in Manifests.Files.Where(f => Path.GetFileName(f) != "kustomization.yaml"))
        {
            var objects = KubernetesYaml.LoadAllFromString(File.ReadAllText(file), strict: true);
            Assert.Equal(Manifests.Load(file).Count(), objects.Count);
            Assert.All(objects, o => Assert.IsAssignableFrom<IKubernetesObject>(o));
        }
    }

    [Fact]
    public void Kustomization_applies_every_manifest_but_the_secrets_example()
    {
        var resources = Manifests.Single("Kustomization").Root.List("resources").Cast<YamlScalarNode>().Select(r => r.Value!).Order();
        var files = Manifests.Files.Select(Path.GetFileName)
            .Where(f => f is not "kustomization.yaml" && !f!.EndsWith(".example.yaml", StringComparison.Ordinal)).Order();
        Assert.Equal(files, resources);
    }

    [Fact]
    public void Probes_ask_readyz_and_healthz_on_the_containers_http_port()
    {
        var ports = Silo.Maps("ports").ToDictionary(p => p.Text("name") ?? p.Text("containerPort")!, p => p.Text("containerPort")!);
        Assert.Equal("8080", ports["http"]);
        Assert.Equal("11111", ports["silo"]);
        Assert.Equal("30000", ports["gateway"]);

        (string Path, string Port) Probe(string kind)
        {
            var get = Silo.At(kind).At("httpGet");
            var port = get.Text("port")!;
            return (get.Text("path")!, ports.GetValueOrDefault(port, port));
        }
        Assert.Equal(("/readyz", "8080"), Probe("readinessProbe"));
        Assert.Equal(("/healthz", "8080"), Probe("livenessProbe"));
        Assert.Equal(("/healthz", "8080"), Probe("startupProbe"));
    }

    [Fact]
    public void Pod_labels_carry_the_orleans_ids_that_the_silo_reads()
    {
        // Orleans' Kubernetes hosting selects its cluster's pods by these labels and takes the ids from these variables.
        var expected = new Dictionary<string, string>
        {
            ["ORLEANS_SERVICE_ID"] = "orleans/serviceId",
            ["ORLEANS_CLUSTER_ID"] = "orleans/clusterId",
            ["Risk__ServiceId"] = "orleans/serviceId",
            ["Risk__ClusterId"] = "orleans/clusterId",
        };
        foreach (var (variable, label) in expected)
        {
            Assert.False(string.IsNullOrWhiteSpace(PodLabels.GetValueOrDefault(label)), $"no pod label {label}");
            // Either the label itself, through the downward API, or a literal with the label's value.
            var env = Env(variable);
            if (env.Text("value") is { } literal) Assert.Equal(PodLabels[label], literal);
            else Assert.Equal($"metadata.labels['{label}']", env.At("valueFrom.fieldRef").Text("fieldPath"));
        }
        Assert.Equal("metadata.name", Env("POD_NAME").At("valueFrom.fieldRef").Text("fieldPath"));
        Assert.Equal("metadata.namespace", Env("POD_NAMESPACE").At("valueFrom.fieldRef").Text("fieldPath"));
        Assert.Equal("status.podIP", Env("POD_IP").At("valueFrom.fieldRef").Text("fieldPath"));
    }

    [Fact]
    public void The_silos_service_account_may_get_watch_and_list_pods()
    {
        var account = PodSpec.Text("serviceAccountName");
        Assert.NotNull(Manifests.All.SingleOrDefault(m => m.Kind == "ServiceAccount" && m.Name == account));
        var binding = Manifests.All.Single(m => m.Kind == "RoleBinding"
            && m.Root.Maps("subjects").Any(s => s.Text("kind") == "ServiceAccount" && s.Text("name") == account));
        var roleRef = binding.Root.At("roleRef");
        Assert.Equal("Role", roleRef.Text("kind"));
        var role = Manifests.Single("Role", roleRef.Text("name"));
        var verbs = role.Root.Maps("rules")
            .Where(r => r.List("apiGroups").Cast<YamlScalarNode>().Any(g => g.Value == "")
                && r.List("resources").Cast<YamlScalarNode>().Any(x => x.Value == "pods"))
            .SelectMany(r => r.List("verbs").Cast<YamlScalarNode>().Select(v => v.Value))
            .ToHashSet();
        Assert.Superset(new HashSet<string?> { "get", "watch", "list" }, verbs);
    }

    [Fact]
    public void Deployment_disruption_budget_and_service_select_the_silo_pods()
    {
        static void Selects(IReadOnlyDictionary<string, string> selector, string what)
        {
            Assert.NotEmpty(selector);
            Assert.All(selector, s => Assert.True(PodLabels.GetValueOrDefault(s.Key) == s.Value, $"{what} selects {s.Key}={s.Value}, which the silo pods lack"));
        }
        Selects(Deployment.Root.At("spec.selector").Map("matchLabels").Strings(), "the Deployment");
        Selects(Manifests.Single("PodDisruptionBudget").Root.At("spec.selector").Map("matchLabels").Strings(), "the PodDisruptionBudget");
        var service = Manifests.Single("Service", "risk-http").Root.At("spec");
        Selects(service.Map("selector").Strings(), "the Service");
        var port = Assert.Single(service.Maps("ports"));
        Assert.Equal("8080", port.Text("port"));
        Assert.Contains(port.Text("targetPort"), new[] { "http", "8080" });
    }

    [Fact]
    public void Every_secret_and_config_map_the_pods_read_is_defined()
    {
        var secrets = Manifests.All.Where(m => m.Kind == "Secret").ToDictionary(m => m.Name!,
            m => m.Root.Map("stringData").Strings().Keys.Concat(m.Root.Map("data").Strings().Keys).ToHashSet());
        var configMaps = Manifests.All.Where(m => m.Kind == "ConfigMap").ToDictionary(m => m.Name!, m => m.Root.Map("data").Strings().Keys.ToHashSet());
        var references = 0;
        foreach (var node in Deployment.Root.Descendants())
        {
            if (node.Map("secretKeyRef") is { } secretKey)
                Refers(secrets, "Secret", secretKey.Text("name"), secretKey.Text("key"));
            if (node.Map("configMapKeyRef") is { } configKey)
                Refers(configMaps, "ConfigMap", configKey.Text("name"), configKey.Text("key"));
            if (node.Map("configMapRef") is { } configMap)
                Refers(configMaps, "ConfigMap", configMap.Text("name"), null);
            if (node.Map("secretRef") is { } secret)
                Refers(secrets, "Secret", secret.Text("name"), null);
            if (node.Map("secret") is { } volume && volume.Text("secretName") is { } secretName)
            {
                Refers(secrets, "Secret", secretName, null);
                foreach (var item in volume.Maps("items")) Refers(secrets, "Secret", secretName, item.Text("key"));
            }
        }
        // The storage connection string, the admin secret, the keys volume and the ConfigMap at least.
        Assert.True(references >= 4, $"only {references} references found: the walk missed some");

        void Refers(Dictionary<string, HashSet<string>> defined, string kind, string? name, string? key)
        {
            references++;
            Assert.True(name is not null && defined.ContainsKey(name), $"the Deployment reads {kind} {name}, which no manifest defines");
            if (key is not null) Assert.True(defined[name].Contains(key), $"{kind} {name} has no key {key}");
        }
    }

    [Fact]
    public void The_silo_storage_and_secrets_come_from_the_environment()
    {
        Assert.Equal("azure", Config["Risk__Storage"]);
        Assert.Equal("azure", Config["Risk__Clustering"]);
        Assert.Equal("risk-storage", Env("Risk__AzureConnectionString").At("valueFrom.secretKeyRef").Text("name"));
        Assert.Equal("risk-admin", Env("Risk__Auth__AdminSecret").At("valueFrom.secretKeyRef").Text("name"));
    }

    [Fact]
    public void The_keys_file_is_mounted_where_the_silo_reads_it_and_follows_the_secret()
    {
        var keysFile = Config["Risk__Auth__KeysFile"];
        Assert.Equal(Dockerfile.Load().Environment["Risk__Auth__KeysFile"], keysFile);
        var mount = Silo.Maps("volumeMounts").Single(m => m.Text("mountPath") == Path.GetDirectoryName(keysFile));
        // A subPath mount is a copy that Kubernetes never updates: an edited secret would not rotate the keys.
        Assert.Null(mount.Text("subPath"));
        var volume = PodSpec.Maps("volumes").Single(v => v.Text("name") == mount.Text("name")).At("secret");
        var items = volume.Maps("items").ToList();
        Assert.True(items.Count == 0 || items.Any(i => i.Text("path") == Path.GetFileName(keysFile)),
            $"the secret volume does not project {Path.GetFileName(keysFile)}");
    }

    [Fact]
    public void The_silo_container_runs_as_non_root()
    {
        Assert.Equal("true", Silo.At("securityContext").Text("runAsNonRoot"));
        Assert.Equal("false", Silo.At("securityContext").Text("allowPrivilegeEscalation"));
        if (PodSpec.Map("securityContext")?.Text("runAsUser") is { } user) Assert.NotEqual("0", user);
    }

    [Fact]
    public void The_grace_period_outlasts_the_silos_shutdown_timeout()
    {
        // Kubernetes kills the process after the grace period; the silo must have finished flushing state by then.
        var grace = int.Parse(PodSpec.Text("terminationGracePeriodSeconds")!);
        var shutdown = int.Parse(Config["shutdownTimeoutSeconds"]);
        // A preStop hook runs before SIGTERM, inside the same grace period.
        var preStop = Silo.Map("lifecycle")?.Map("preStop")?.Map("exec")?.List("command").Cast<YamlDotNet.RepresentationModel.YamlScalarNode>()
            .Select(c => c.Value).ToList() is ["sleep", var seconds] ? int.Parse(seconds!) : 0;
        Assert.True(shutdown >= 60, $"shutdownTimeoutSeconds is {shutdown}: too short for a silo to flush its grains");
        Assert.True(grace > preStop + shutdown + 10,
            $"terminationGracePeriodSeconds {grace} leaves no margin over the preStop wait {preStop} and shutdownTimeoutSeconds {shutdown}");
        var rolling = Deployment.Root.At("spec.strategy.rollingUpdate");
        Assert.Equal("0", rolling.Text("maxUnavailable"));
    }

    [Fact]
    public void The_config_maps_shutdown_timeout_is_the_one_the_host_reads()
    {
        // The ConfigMap's keys reach the silo as environment variables, where "__" stands for ":".
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(Config.Select(c => KeyValuePair.Create(c.Key.Replace("__", ":"), (string?)c.Value)));
        using var host = builder.Build();
        var timeout = host.Services.GetRequiredService<IOptions<HostOptions>>().Value.ShutdownTimeout;
        Assert.Equal(TimeSpan.FromSeconds(int.Parse(Config["shutdownTimeoutSeconds"])), timeout);
    }
}
