//! Android platform over JNI (being written, issue "JNI backend").
