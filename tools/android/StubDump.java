import java.io.File;
import java.io.IOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;

/**
 * Prints the public and protected API of compiled classes, one tab-separated
 * line per item, for tools/android/check_stubs.py. Run with the JDK source
 * launcher: {@code java tools/android/StubDump.java STUBS.jar MAIN_DIR}.
 *
 * <pre>
 * class   NAME  KIND(class|interface)  SUPER|-  IFACE,IFACE|-  ORIGIN(stub|main)
 * method  NAME  STATIC(0|1)  METHOD  RETURN  PARAM,PARAM
 * ctor    NAME  PARAM,PARAM
 * field   NAME  STATIC(0|1)  FIELD  TYPE  VALUE|-       (main classes: static final values)
 * mirror  NAME  FIELD  ANDROID_CONSTANT  VALUE            (@dev.keybound.Mirrors)
 * </pre>
 * Names are canonical ({@code a.b.Outer.Inner}); types erased.
 */
public final class StubDump {
    public static void main(String[] args) throws Exception {
        if (args.length != 2) {
            System.err.println("usage: java StubDump.java STUBS.jar MAIN_CLASSES_DIR");
            System.exit(2);
        }
        File stubs = new File(args[0]);
        File main = new File(args[1]);
        URLClassLoader loader = new URLClassLoader(
                new URL[] {main.toURI().toURL(), stubs.toURI().toURL()}, StubDump.class.getClassLoader());
        for (String name : jarClasses(stubs)) {
            dump(loader.loadClass(name), "stub", loader);
        }
        for (String name : dirClasses(main.toPath())) {
            dump(Class.forName(name, false, loader), "main", loader);
        }
    }

    private static List<String> jarClasses(File jar) throws IOException {
        List<String> names = new ArrayList<>();
        try (JarFile file = new JarFile(jar)) {
            Enumeration<JarEntry> entries = file.entries();
            while (entries.hasMoreElements()) {
                String n = entries.nextElement().getName();
                if (n.endsWith(".class")) {
                    names.add(n.substring(0, n.length() - 6).replace('/', '.'));
                }
            }
        }
        names.sort(null);
        return names;
    }

    private static List<String> dirClasses(Path root) throws IOException {
        List<String> names = new ArrayList<>();
        try (Stream<Path> paths = Files.walk(root)) {
            paths.filter(p -> p.toString().endsWith(".class")).forEach(p -> {
                String rel = root.relativize(p).toString();
                names.add(rel.substring(0, rel.length() - 6).replace(File.separatorChar, '.'));
            });
        }
        names.sort(null);
        return names;
    }

    private static String type(Class<?> c) {
        return c.getTypeName().replace('$', '.');
    }

    private static String params(Class<?>[] types) {
        List<String> out = new ArrayList<>();
        for (Class<?> t : types) {
            out.add(type(t));
        }
        return String.join(",", out);
    }

    private static boolean visible(int modifiers) {
        return Modifier.isPublic(modifiers) || Modifier.isProtected(modifiers);
    }

    private static void dump(Class<?> c, String origin, ClassLoader loader) throws Exception {
        if (c.isSynthetic() || c.isAnonymousClass() || c.isLocalClass()) {
            return;
        }
        String name = type(c);
        List<String> ifaces = new ArrayList<>();
        for (Class<?> i : c.getInterfaces()) {
            ifaces.add(type(i));
        }
        System.out.println(String.join("\t", "class", name, c.isInterface() ? "interface" : "class",
                c.getSuperclass() == null ? "-" : type(c.getSuperclass()),
                ifaces.isEmpty() ? "-" : String.join(",", ifaces), origin));
        if (origin.equals("stub")) {
            for (Method m : c.getDeclaredMethods()) {
                if (m.isSynthetic() || m.isBridge() || !visible(m.getModifiers())) {
                    continue;
                }
                System.out.println(String.join("\t", "method", name, Modifier.isStatic(m.getModifiers()) ? "1" : "0",
                        m.getName(), type(m.getReturnType()), params(m.getParameterTypes())));
            }
            for (Constructor<?> k : c.getDeclaredConstructors()) {
                if (k.isSynthetic() || !visible(k.getModifiers())) {
                    continue;
                }
                System.out.println(String.join("\t", "ctor", name, params(k.getParameterTypes())));
            }
            for (Field f : c.getDeclaredFields()) {
                if (f.isSynthetic() || !visible(f.getModifiers())) {
                    continue;
                }
                System.out.println(String.join("\t", "field", name, Modifier.isStatic(f.getModifiers()) ? "1" : "0",
                        f.getName(), type(f.getType()), "-"));
            }
            return;
        }
        // Main classes: constants (static final primitives and Strings) and @Mirrors.
        Class<?> mirrors = Class.forName("dev.keybound.Mirrors", false, loader);
        for (Field f : c.getDeclaredFields()) {
            int mod = f.getModifiers();
            if (!Modifier.isStatic(mod) || !Modifier.isFinal(mod) || f.isSynthetic()
                    || !(f.getType().isPrimitive() || f.getType() == String.class)) {
                continue;
            }
            f.setAccessible(true);
            Object value = f.get(null);
            System.out.println(String.join("\t", "field", name, "1", f.getName(), type(f.getType()), repr(value)));
            @SuppressWarnings("unchecked")
            Object mark = f.getAnnotation((Class<java.lang.annotation.Annotation>) mirrors);
            if (mark != null) {
                String target = (String) mirrors.getMethod("value").invoke(mark);
                System.out.println(String.join("\t", "mirror", name, f.getName(), target, repr(value)));
            }
        }
    }

    private static String repr(Object value) {
        if (value instanceof String) {
            return "\"" + value + "\"";
        }
        return String.valueOf(value);
    }
}
