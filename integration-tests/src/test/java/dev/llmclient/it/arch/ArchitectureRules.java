package dev.llmclient.it.arch;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noFields;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noMethods;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.Dependency;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaCodeUnit;
import com.tngtech.archunit.core.domain.JavaField;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.domain.JavaType;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The dependency rules and house habits of docs/ARCHITECTURE.md, as ArchUnit rules. Each rule's
 * text and its {@code because} clause appear in the build failure, so a violation names the rule it
 * breaks.
 */
final class ArchitectureRules {

  private ArchitectureRules() {}

  static final String API = "dev.llmclient.api..";
  static final String CORE = "dev.llmclient.core..";
  static final String OPENAI = "dev.llmclient.openai..";
  static final String AZURE = "dev.llmclient.azure..";
  static final String OTEL = "dev.llmclient.otel..";
  static final String TESTKIT = "dev.llmclient.testkit..";
  static final String CLI = "dev.llmclient.cli..";

  static final ArchRule API_IS_PURE =
      classes()
          .that()
          .resideInAPackage(API)
          .should()
          .onlyDependOnClassesThat()
          .resideInAnyPackage("java..", "org.jspecify.annotations..", API)
          .because(
              "docs/ARCHITECTURE.md: llm-api imports nothing outside java.*, JSpecify and its own packages,"
                  + " so depending on the port costs a user no transitive dependency");

  static final ArchRule CORE_NEVER_IMPORTS_PROVIDERS_OTEL_OR_HTTPCLIENT =
      noClasses()
          .that()
          .resideInAPackage(CORE)
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage(
              OPENAI,
              AZURE,
              OTEL,
              "dev.llmclient.testkit..",
              "io.opentelemetry..",
              "org.apache.hc..")
          .because(
              "docs/ARCHITECTURE.md: llm-core never imports a provider, OpenTelemetry or httpclient5; it talks"
                  + " to providers and tracers only through the llm-api SPI");

  static final ArchRule PROVIDERS_NEVER_IMPORT_CORE =
      noClasses()
          .that()
          .resideInAnyPackage(OPENAI, AZURE)
          .should()
          .dependOnClassesThat()
          .resideInAPackage(CORE)
          .because(
              "docs/ARCHITECTURE.md: provider modules declare llm-core as a Maven dependency for users'"
                  + " convenience but never import its classes; they implement the llm-api SPI");

  static final ArchRule OPENAI_NEVER_IMPORTS_AZURE =
      noClasses()
          .that()
          .resideInAPackage(OPENAI)
          .should()
          .dependOnClassesThat()
          .resideInAPackage(AZURE)
          .because(
              "docs/ARCHITECTURE.md: provider-azure builds on provider-openai, never the other way");

  static final ArchRule TRACING_OTEL_ONLY_USES_API_AND_OTEL =
      classes()
          .that()
          .resideInAPackage(OTEL)
          .should()
          .onlyDependOnClassesThat()
          .resideInAnyPackage(
              "java..", "org.jspecify.annotations..", API, OTEL, "io.opentelemetry..")
          .because(
              "docs/ARCHITECTURE.md: tracing-otel imports only llm-api and the OpenTelemetry API");

  static final ArchRule MAIN_CODE_NEVER_IMPORTS_TESTKIT =
      noClasses()
          .that()
          .resideOutsideOfPackages(TESTKIT, CLI)
          .and()
          .resideInAPackage("dev.llmclient..")
          .should()
          .dependOnClassesThat()
          .resideInAPackage(TESTKIT)
          .because(
              "docs/ARCHITECTURE.md: nothing in src/main imports llm-testkit, except llm-cli (its embedded"
                  + " default runs the simulator)");

  static final ArchRule NO_CROSS_MODULE_INTERNAL_USE =
      classes()
          .that()
          .resideInAPackage("dev.llmclient..")
          .should(notUseAnotherModulesInternals())
          .because(
              "docs/ARCHITECTURE.md: classes in ..internal.. packages are not used outside their module");

  static final ArchRule PUBLIC_FACE_HIDES_INTERNALS =
      classes()
          .that()
          .resideInAPackage("dev.llmclient..")
          .and()
          .resideOutsideOfPackage("..internal..")
          .should(notExposeInternalTypes())
          .because(
              "docs/ARCHITECTURE.md: the public face (e.g. dev.llmclient.core) never shows an"
                  + " ..internal.. type in a public or protected signature, so the internal"
                  + " packages can change without breaking a user");

  static final ArchRule NO_CYCLES_BETWEEN_MODULES =
      slices()
          .matching("dev.llmclient.(*)..")
          .should()
          .beFreeOfCycles()
          .because("docs/ARCHITECTURE.md: the module dependency graph is acyclic");

  static final ArchRule NO_CYCLES_BETWEEN_API_PACKAGES =
      slices()
          .matching("dev.llmclient.api.(**)")
          .should()
          .beFreeOfCycles()
          .because("the SPI builds on the port, never the other way");

  static final ArchRule NO_OPTIONAL_FIELDS =
      noFields()
          .that()
          .areDeclaredInClassesThat()
          .resideInAPackage("dev.llmclient..")
          .should()
          .haveRawType(Optional.class)
          .because(
              "docs/ARCHITECTURE.md (house habits, after the AWS SDK's UseOfOptional): Optional is only a return type, never a field or"
                  + " record component; use @Nullable")
          .allowEmptyShould(true);

  static final ArchRule NO_OPTIONAL_PARAMETERS =
      noMethods()
          .that()
          .areDeclaredInClassesThat()
          .resideInAPackage("dev.llmclient..")
          .should(haveAnOptionalParameter())
          .because(
              "docs/ARCHITECTURE.md (house habits, after the AWS SDK's UseOfOptional): Optional is never a parameter; use @Nullable");

  static final ArchRule NO_CHECKED_EXCEPTIONS_IN_PUBLIC_API =
      noMethods()
          .that()
          .arePublic()
          .and()
          .areDeclaredInClassesThat()
          .arePublic()
          .and()
          .areDeclaredInClassesThat()
          .resideInAPackage("dev.llmclient..")
          .should(declareACheckedException())
          .because(
              "docs/ARCHITECTURE.md (house habits): every llmclient failure is an unchecked LlmException; public methods"
                  + " declare no checked exceptions");

  static final ArchRule NO_IMPL_SUFFIX =
      noClasses()
          .that()
          .resideInAPackage("dev.llmclient..")
          .should()
          .haveSimpleNameEndingWith("Impl")
          .because(
              "docs/ARCHITECTURE.md (house habits, after the AWS SDK's NamingConventions): no *Impl names; name what it is");

  /** Every rule, for the runner and the meta tests. */
  static final List<ArchRule> ALL =
      List.of(
          API_IS_PURE,
          CORE_NEVER_IMPORTS_PROVIDERS_OTEL_OR_HTTPCLIENT,
          PROVIDERS_NEVER_IMPORT_CORE,
          OPENAI_NEVER_IMPORTS_AZURE,
          TRACING_OTEL_ONLY_USES_API_AND_OTEL,
          MAIN_CODE_NEVER_IMPORTS_TESTKIT,
          NO_CROSS_MODULE_INTERNAL_USE,
          PUBLIC_FACE_HIDES_INTERNALS,
          NO_CYCLES_BETWEEN_MODULES,
          NO_CYCLES_BETWEEN_API_PACKAGES,
          NO_OPTIONAL_FIELDS,
          NO_OPTIONAL_PARAMETERS,
          NO_CHECKED_EXCEPTIONS_IN_PUBLIC_API,
          NO_IMPL_SUFFIX);

  /** The module of a class: the package segment after {@code dev.llmclient}. */
  static String moduleOf(JavaClass javaClass) {
    String[] parts = javaClass.getPackageName().split("\\.");
    return parts.length > 2 ? parts[2] : "";
  }

  private static ArchCondition<JavaClass> notUseAnotherModulesInternals() {
    return new ArchCondition<>("not use another module's ..internal.. classes") {
      @Override
      public void check(JavaClass origin, ConditionEvents events) {
        for (Dependency d : origin.getDirectDependenciesFromSelf()) {
          JavaClass target = d.getTargetClass();
          boolean internal =
              target.getPackageName().startsWith("dev.llmclient.")
                  && (target.getPackageName() + ".").contains(".internal.");
          if (internal && !moduleOf(target).equals(moduleOf(origin))) {
            events.add(SimpleConditionEvent.violated(d, d.getDescription()));
          }
        }
      }
    };
  }

  private static boolean isInternal(JavaClass type) {
    return (type.getPackageName() + ".").contains(".internal.");
  }

  private static boolean isVisible(Set<JavaModifier> modifiers) {
    return modifiers.contains(JavaModifier.PUBLIC) || modifiers.contains(JavaModifier.PROTECTED);
  }

  /**
   * A public class (nested ones only when every enclosing class is public too) shows no internal
   * type in its supertypes, or in the type, parameters or type arguments of its public and
   * protected fields, methods and constructors.
   */
  private static ArchCondition<JavaClass> notExposeInternalTypes() {
    return new ArchCondition<>("not expose ..internal.. types in public or protected signatures") {
      @Override
      public void check(JavaClass origin, ConditionEvents events) {
        for (JavaClass c = origin; c != null; c = c.getEnclosingClass().orElse(null)) {
          if (!c.getModifiers().contains(JavaModifier.PUBLIC)) {
            return;
          }
        }
        List<JavaType> supertypes = new ArrayList<>(origin.getInterfaces());
        origin.getSuperclass().ifPresent(supertypes::add);
        for (JavaType t : supertypes) {
          report(events, origin, t, origin.getName() + " extends or implements");
        }
        for (JavaField f : origin.getFields()) {
          if (isVisible(f.getModifiers())) {
            report(events, origin, f.getType(), "field " + f.getFullName());
          }
        }
        for (JavaCodeUnit u : origin.getCodeUnits()) {
          if (!isVisible(u.getModifiers()) || u.getModifiers().contains(JavaModifier.SYNTHETIC)) {
            continue;
          }
          report(events, origin, u.getReturnType(), "return type of " + u.getFullName());
          for (JavaType p : u.getParameterTypes()) {
            report(events, origin, p, "parameter of " + u.getFullName());
          }
        }
      }

      private void report(ConditionEvents events, JavaClass origin, JavaType type, String where) {
        for (JavaClass raw : type.getAllInvolvedRawTypes()) {
          if (isInternal(raw)) {
            events.add(
                SimpleConditionEvent.violated(
                    origin, where + " exposes the internal type " + raw.getName()));
          }
        }
      }
    };
  }

  private static ArchCondition<JavaCodeUnit> haveAnOptionalParameter() {
    return new ArchCondition<>("have an Optional parameter") {
      @Override
      public void check(JavaCodeUnit method, ConditionEvents events) {
        boolean hasOptional =
            method.getRawParameterTypes().stream().anyMatch(t -> t.isEquivalentTo(Optional.class));
        events.add(
            new SimpleConditionEvent(
                method, hasOptional, method.getFullName() + " takes an Optional parameter"));
      }
    };
  }

  private static ArchCondition<JavaCodeUnit> declareACheckedException() {
    DescribedPredicate<JavaClass> checked =
        DescribedPredicate.describe(
            "checked exception",
            t -> t.isAssignableTo(Exception.class) && !t.isAssignableTo(RuntimeException.class));
    return new ArchCondition<>("declare a checked exception") {
      @Override
      public void check(JavaCodeUnit method, ConditionEvents events) {
        if (method.getOwner().getModifiers().contains(JavaModifier.SYNTHETIC)
            || method.getName().equals("main")
            || method.getOwner().isAssignableTo("org.junit.jupiter.api.extension.Extension")) {
          return; // entry points and JUnit callbacks have signatures fixed by others
        }
        boolean declares = method.getThrowsClause().getTypes().stream().anyMatch(checked::test);
        events.add(
            new SimpleConditionEvent(
                method, declares, method.getFullName() + " declares a checked exception"));
      }
    };
  }
}
