//! JNI bridge to the Java side (being written, issue "JNI backend").
